public import ArgumentParser
import SelfInstruct

// `--language en|zh|unicode` on sictl's commands.
extension RunLanguage: ExpressibleByArgument {}
