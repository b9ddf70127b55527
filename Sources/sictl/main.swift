print("sictl")
