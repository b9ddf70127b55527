print("si-bench")
