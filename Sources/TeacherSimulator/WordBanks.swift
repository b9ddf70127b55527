// Word banks for the simulator's instruction grammar. Written for this project; sized so that random
// combinations rarely repeat (most generated tasks pass a ROUGE-L 0.7 novelty filter) while short, fixed
// templates still collide now and then, as a real model's output does. No bank entry contains a keyword
// from the reference blacklists (image, graph, picture, file, map, draw, plot, go to, video, audio, music,
// flowchart, diagram); the grammar adds those on purpose at a small rate.

enum WordBanks {
    static let topics: [String] = [
        "renewable energy", "remote work", "climate change", "the French Revolution", "machine learning",
        "healthy eating", "personal finance", "space exploration", "ocean pollution", "urban gardening",
        "electric cars", "social media", "online privacy", "public transportation", "time management",
        "coffee culture", "ancient Rome", "volcanoes", "the human immune system", "cryptocurrency",
        "board games", "honeybees", "minimalism", "the stock market", "job interviews", "meditation",
        "recycling", "quantum computing", "3D printing", "the Olympic Games", "jazz", "photosynthesis",
        "black holes", "the Renaissance", "sleep hygiene", "team sports", "language learning", "volunteering",
        "home workouts", "solar panels", "the water cycle", "plate tectonics", "supply chains",
        "small businesses", "customer service", "cybersecurity", "vaccines", "the printing press",
        "rainforests", "desert ecosystems", "wind turbines", "inflation", "student loans", "the gig economy",
        "self-driving cars", "online shopping", "fast fashion", "vegetarian cooking", "baking bread",
        "hiking safety", "camping trips", "marathon training", "public speaking", "salary negotiation",
        "leadership", "open source software", "cloud computing", "database design", "password security",
        "the Cold War", "the Industrial Revolution", "ancient Egypt", "the Silk Road", "democracy",
        "the moon landing", "coral reefs", "endangered species", "pet adoption", "dog training",
        "houseplants", "composting", "tea ceremonies", "street food", "museum visits", "chess strategy",
        "poetry", "science fiction novels", "mystery novels", "stand-up comedy", "theater", "architecture",
        "suspension bridges", "skyscrapers", "high-speed trains", "air travel", "budget travel",
        "wedding planning", "parenting toddlers", "teenage mental health", "elderly care", "nutrition labels",
        "food waste", "water conservation", "electric bicycles", "smart homes", "online learning",
        "homework habits", "exam preparation", "college applications", "career changes", "freelancing",
        "startups", "email marketing", "brand loyalty", "customer reviews", "product launches",
        "the scientific method", "the periodic table", "genetics", "evolution", "earthquakes", "hurricanes",
        "weather forecasting", "astronomy", "the solar system", "missions to Mars", "robotics",
        "delivery drones", "virtual reality", "the internet of things", "data protection laws", "copyright",
        "misinformation", "local journalism", "elections", "income taxes", "health insurance",
        "retirement savings", "real estate", "renting an apartment", "moving to a new city", "friendship",
        "conflict resolution", "gratitude", "procrastination", "habit formation", "creativity", "kindness",
        "loneliness", "sports injuries", "yoga", "swimming lessons", "cycling", "soccer", "basketball",
        "tennis", "kitchen safety", "first aid", "fire safety", "fresh pasta", "spices", "dark chocolate",
        "cheese making", "sourdough starters", "bird watching", "astronauts", "glaciers", "rivers",
        "national parks", "city planning", "traffic congestion", "noise pollution", "air quality",
        "bees and pollination", "fermentation", "the Roman Empire", "the Great Wall of China",
        "the Apollo program", "the history of the bicycle", "typewriters", "the telephone", "printing money",
        "credit scores", "budgeting apps", "grocery shopping", "meal prepping", "fitness trackers",
        "mobile banking", "phishing scams", "two-factor authentication", "artificial sweeteners",
        "caffeine", "vitamin D", "dental hygiene", "posture at work", "standing desks", "open-plan offices",
        "four-day work weeks", "unpaid internships", "mentorship", "online reviews", "podcasting",
        "book clubs", "public libraries", "handwriting", "calligraphy", "origami", "knitting", "woodworking",
        "pottery", "home repairs", "tiny houses", "vertical farming", "lab-grown meat", "plant-based milk",
    ]

    static let qualifiers: [String] = [
        "in developing countries", "for beginners", "in the 21st century", "in small towns", "during winter",
        "on a tight budget", "in large cities", "for remote teams", "after the pandemic", "in schools",
        "in rural areas", "for people over sixty", "in the workplace", "for college students", "in Europe",
        "in South America", "in coastal regions", "for families with young children", "in the next decade",
        "in the 1990s", "for introverts", "for small nonprofits", "in hospitals", "for local governments",
        "in mountain villages", "on university campuses", "among teenagers", "in island nations", "in Japan",
        "in West Africa", "in Canada", "during the holidays", "in summer", "at night", "in the countryside",
        "for working parents", "for people with disabilities", "for first-year teachers", "in public schools",
        "in the Middle Ages", "in the 1960s", "in modern cities", "for amateur athletes", "for online communities",
        "in crowded apartments", "for shift workers", "in the food industry", "in the travel industry",
        "in northern Europe", "in Southeast Asia", "along the Mediterranean", "in Australia", "in Brazil",
    ]

    static let aboutWords: [String] = ["about", "on", "regarding", "related to", "concerning", "that deals with", "focused on"]

    static let determiners: [String] = ["the following", "the given", "this", "the provided", "the attached"]

    static let purposes: [String] = [
        "so that it could be printed in a school newsletter", "so that a busy reader gets the point quickly",
        "so it can be shared with a local club", "to help someone prepare for an exam",
        "to start a discussion at a dinner party", "for a presentation at work next week",
        "to include in a weekly email digest", "to post on a community notice board",
        "for a podcast episode intro", "to help a friend make a decision", "for a classroom activity",
        "to read aloud at a family gathering", "for a company wiki page", "to encourage people to volunteer",
        "for a short radio segment", "to open a town hall meeting", "for a student magazine",
        "to accompany a charity fundraiser", "to use as a conversation starter", "for a travel blog",
        "to explain a decision to a team", "to convince a skeptical friend", "for a museum audio tour",
        "to use in a job interview", "for a grant application", "for a neighborhood newsletter",
    ]

    static let classificationTails: [String] = [
        "Explain your choice in one sentence.", "Give only the label.", "If you are unsure, pick the closest label.",
        "Consider the tone as well as the literal meaning.", "Briefly justify your answer.",
        "Ignore spelling mistakes when deciding.", "Return the label followed by a confidence score.",
        "Treat sarcasm as the opposite of the literal meaning.", "Base your decision on the main claim only.",
        "Answer with a single word.", "Point out the words that influenced your decision.",
        "Do not consider the author's identity.", "Use the label that best fits the overall message.",
    ]

    static let sources: [String] = [
        "a customer support forum", "a local newspaper", "a student essay", "an online marketplace",
        "a travel website", "a company newsletter", "a parenting blog", "a recipe site", "a sports forum",
        "a product launch page", "a government press release", "a book review site", "a hotel booking site",
        "a science magazine", "a job board", "a neighborhood chat group", "a university course page",
    ]

    static let audiences: [String] = [
        "a ten-year-old", "high school students", "a busy parent", "software engineers", "retired teachers",
        "first-time voters", "a small business owner", "new employees", "college freshmen",
        "a non-native English speaker", "a group of tourists", "nurses", "farmers", "a marketing team",
        "an elderly neighbor", "a skeptical investor", "a curious child", "a history professor",
        "a professional chef", "a shy teenager", "a city council", "a hiring manager", "an exchange student",
        "a sports coach", "a book club", "a startup founder", "a group of volunteers", "a new pet owner",
        "a science journalist", "a worried patient", "a bank customer", "a museum guide", "night-shift workers",
        "a student who missed class", "an overworked manager", "a fifth-grade class", "a retired engineer",
    ]

    static let constraints: [String] = [
        "in three sentences", "in under 50 words", "using simple language", "in a humorous tone",
        "in a formal tone", "without using technical jargon", "as a numbered list", "in exactly two paragraphs",
        "using at least one metaphor", "from the perspective of a historian", "with one concrete example",
        "as if you were a tour guide", "in the style of a news report", "using bullet points",
        "in no more than 100 words", "starting each sentence with a verb", "ending with a question",
        "in a friendly and encouraging voice", "for a general audience", "in plain English",
        "with a surprising twist at the end", "using only short sentences", "in the second person",
        "in a single sentence", "with a clear call to action", "in an optimistic tone",
        "in a neutral and balanced way", "using an analogy from cooking", "using an analogy from sports",
        "from the point of view of a detective", "as a short dialogue", "with three supporting reasons",
        "with pros and cons", "step by step", "in a persuasive way", "in a calm and reassuring tone",
    ]

    static let writeVerbs: [String] = ["Write", "Compose", "Draft", "Create", "Produce", "Come up with"]

    static let forms: [String] = [
        "short poem", "haiku", "limerick", "short story", "persuasive essay", "product description",
        "cover letter", "short speech", "tweet", "blog post introduction", "motivational quote", "dialogue",
        "news headline", "thank-you note", "restaurant review", "letter to the editor", "riddle", "fable",
        "job advertisement", "FAQ section", "travel guide paragraph", "recipe", "movie pitch",
        "podcast episode outline", "toast for a wedding", "bedtime story", "short biography", "press release",
        "opening paragraph for a novel", "customer complaint letter", "apology email", "newsletter blurb",
        "lesson plan", "quiz with three questions", "set of interview questions", "debate opening statement",
    ]

    static let listVerbs: [String] = ["List", "Give me", "Name", "Suggest", "Provide", "Brainstorm", "Come up with"]

    static let counts: [String] = ["two", "three", "four", "five", "six", "seven", "ten"]

    static let listThings: [String] = [
        "tips for", "reasons to care about", "common misconceptions about", "interesting facts about",
        "ways to improve", "questions to ask about", "mistakes beginners make with", "advantages of",
        "disadvantages of", "key terms related to", "books that explain", "careers connected to",
        "myths about", "warning signs of problems with", "small experiments that demonstrate",
        "everyday examples of", "arguments for and against", "famous people associated with",
        "unexpected uses of", "low-cost ways to get started with", "safety rules for", "debate topics about",
    ]

    static let questionAdjectives: [String] = ["main", "key", "biggest", "most overlooked", "most common", "long-term", "hidden"]

    static let questionNouns: [String] = [
        "benefits", "risks", "challenges", "causes", "effects", "trends", "costs", "ethical concerns",
        "misunderstandings", "trade-offs", "opportunities", "lessons",
    ]

    static let goals: [String] = [
        "get better at", "learn more about", "save money on", "stay motivated while studying",
        "reduce the impact of", "start a conversation about", "make a career out of", "teach others about",
        "avoid scams related to", "find reliable sources on", "build a daily routine around",
        "get involved in", "measure progress in", "explain the basics of",
    ]

    static let plans: [String] = [
        "one-week study plan", "weekend itinerary", "four-week workout routine", "three-day meal plan",
        "monthly budget", "morning routine", "30-day reading challenge", "two-week onboarding schedule",
        "packing checklist", "daily writing schedule", "six-month savings plan", "class schedule",
    ]

    static let planPurposes: [String] = [
        "want to learn", "are new to", "have little free time but care about", "want to teach their kids about",
        "are preparing a presentation on", "just moved and are curious about", "want to volunteer in",
    ]

    static let businesses: [String] = [
        "bakery", "bike repair shop", "language school", "coffee truck", "bookstore", "yoga studio",
        "pet grooming service", "tutoring company", "vegan restaurant", "flower shop", "co-working space",
        "escape room", "furniture workshop", "travel agency", "dog-walking app", "recycling startup",
        "board game cafe", "plant nursery", "cleaning service", "craft brewery", "math tutoring app",
    ]

    static let creativeThings: [String] = ["names", "slogans", "taglines", "marketing ideas", "event ideas", "product ideas", "mascot ideas"]

    static let roles: [String] = [
        "a lighthouse keeper", "a park ranger", "a pastry chef", "an air traffic controller", "a librarian",
        "a marine biologist", "a school principal", "a taxi driver", "a museum curator", "an astronaut",
        "a firefighter", "a beekeeper", "a translator", "a sports referee", "a wedding planner", "a pharmacist",
        "a board game designer", "a submarine engineer", "a nurse in an emergency room", "a street musician",
        "a farmer in the mountains", "a data analyst", "a tour guide in Rome", "a court reporter",
    ]

    static let roleTopics: [String] = [
        "a typical day", "the hardest part", "the most rewarding moment", "an unusual challenge",
        "the skills needed", "a common misconception about the job", "the first week on the job",
    ]

    static let activities: [String] = ["indoor activities", "team-building games", "weekend projects", "conversation starters", "icebreakers", "outdoor activities", "fundraising ideas", "study breaks"]

    static let occasions: [String] = [
        "on a rainy day", "during a long train ride", "at a family reunion", "at an office party",
        "for the first day of school", "during a power outage", "at a neighborhood festival", "on a snow day",
    ]

    static let horizons: [String] = ["the next decade", "the next five years", "the next twenty years", "the coming year", "the current century"]

    static let programmingLanguages: [String] = ["Python", "JavaScript", "Java", "C++", "Go", "Rust", "Ruby", "TypeScript", "Kotlin", "Swift", "C#", "PHP"]

    static let codeTasks: [String] = [
        "checks whether a string is a palindrome", "returns the n-th Fibonacci number", "merges two sorted lists",
        "counts the vowels in a sentence", "removes duplicate elements from a list", "reverses the words in a sentence",
        "finds the largest element in an array", "converts Celsius to Fahrenheit", "validates an email address",
        "computes the factorial of a number", "checks whether a year is a leap year", "flattens a nested list",
        "finds the second smallest number in a list", "capitalizes the first letter of every word",
        "computes the average of a list of numbers", "checks whether two strings are anagrams",
        "returns the greatest common divisor of two integers", "counts word frequencies in a text",
        "rotates an array by k positions", "checks whether a number is prime",
        "generates all permutations of a string", "finds the longest common prefix of a list of strings",
        "sums the digits of an integer", "converts a binary string to a decimal number", "transposes a matrix",
        "removes all whitespace from a string", "finds the missing number in a sequence",
        "checks whether brackets are balanced", "implements binary search", "sorts a list of pairs by their second element",
    ]

    static let documents: [String] = [
        "paragraph", "article", "email", "news story", "product review", "short essay", "letter", "blog post",
        "speech", "report excerpt", "text message", "meeting transcript", "story",
    ]

    static let rewriteStyles: [String] = [
        "so that it sounds more formal", "in the passive voice", "using simpler words", "in a more polite way",
        "so that it is half as long", "in the future tense", "to make it more persuasive", "in a neutral tone",
        "without changing its meaning", "so that a child can understand it", "in the active voice",
        "as a headline", "with more vivid details", "in British English",
    ]

    static let entities: [String] = [
        "the names of people", "the dates", "the locations", "the numbers", "the organizations",
        "the key phrases", "the verbs", "the adjectives", "the email addresses", "the product names",
    ]

    static let humanLanguages: [String] = ["French", "Spanish", "German", "Italian", "Portuguese", "Dutch", "Japanese", "Turkish", "Swedish", "Polish"]

    static let sortables: [String] = ["numbers", "words", "names", "city names", "temperatures", "prices"]

    static let orders: [String] = ["ascending", "descending", "alphabetical", "reverse alphabetical"]

    static let mistakeKinds: [String] = ["grammatical", "spelling", "punctuation", "capitalization"]

    static let titleAdjectives: [String] = ["catchy", "short", "informative", "creative", "clickable", "memorable"]

    static let conversions: [(String, String, String)] = [
        ("temperatures", "Celsius", "Fahrenheit"), ("distances", "kilometers", "miles"),
        ("weights", "kilograms", "pounds"), ("lengths", "inches", "centimeters"),
        ("volumes", "liters", "gallons"), ("durations", "hours", "minutes"),
    ]

    static let questionPurposes: [String] = [
        "test reading comprehension", "start a class discussion", "check basic facts", "encourage critical thinking",
        "could appear in a quiz", "a journalist might ask",
    ]

    static let argumentTasks: [String] = [
        "evaluate its strength", "list the evidence it gives", "point out any logical fallacy",
        "suggest a counterargument", "say who would disagree with it",
    ]

    static let aggregateTasks: [String] = ["total cost", "average", "sum", "difference between the largest and smallest values"]

    // Classification banks.
    static let sentimentDocuments: [String] = ["review", "tweet", "comment", "sentence", "product review", "customer message", "movie review", "restaurant review"]

    static let sentimentLabelSets: [String] = ["positive, negative, or neutral", "positive or negative", "positive, negative, or mixed"]

    static let categories: [String] = [
        "sports", "politics", "technology", "health", "entertainment", "business", "science", "education",
        "travel", "food", "finance", "environment", "fashion", "law",
    ]

    static let headlineDocuments: [String] = ["news headline", "article", "question", "tweet", "blog post title", "support ticket"]

    static let documentJudgements: [String] = [
        "aimed at experts or aimed at beginners", "serious or humorous", "informative or promotional",
        "urgent or routine", "a complaint or a compliment", "optimistic or pessimistic", "biased or balanced",
        "a question or a statement", "written by a customer or written by a company", "persuasive or descriptive",
        "polite, neutral, or rude", "supportive, critical, or neutral",
    ]

    static let sentenceProperties: [String] = [
        "grammatically correct", "sarcastic", "a question", "written in the passive voice", "formal",
        "offensive", "a complete sentence", "written in the first person", "a compliment", "ambiguous",
    ]

    static let numberProperties: [String] = ["even or odd", "prime or composite", "positive or negative"]

    static let animalClasses = "mammal, bird, reptile, fish, or amphibian"

    static let foodClasses: [String] = ["fruit, vegetable, or grain", "sweet or savory", "healthy or unhealthy", "spicy or mild"]

    static let detectedLanguages: [String] = ["English, French, Spanish, or German", "English or Spanish", "Italian, Portuguese, or Dutch"]

    static let urgencyLabels: [String] = ["high, medium, or low", "urgent or not urgent"]

    static let binaryJudgements: [(String, String)] = [
        ("spam or not spam", "email"), ("fake or genuine", "review"), ("helpful or not helpful", "answer"),
        ("offensive or not offensive", "tweet"), ("a fact or an opinion", "claim"), ("formal or informal", "message"),
        ("clickbait or not clickbait", "headline"), ("relevant or irrelevant", "search result"),
        ("polite or rude", "reply"), ("safe or unsafe", "instruction"),
    ]

    // Instance text banks.
    static let neutralSentences: [String] = [
        "The new report on {t} was released on Tuesday.",
        "Our team spent the whole afternoon discussing {t}.",
        "The city council voted to increase funding for {t}.",
        "She wrote three articles about {t} last month.",
        "Experts disagree about the long-term effects of {t}.",
        "The museum opened a small exhibit on {t}.",
        "My cousin is taking an evening class on {t}.",
        "A local radio show will cover {t} next week.",
        "The library added twelve new books about {t}.",
        "Most people in the survey had heard of {t}.",
    ]

    static let positiveSentences: [String] = [
        "I love how simple the course on {t} made everything.",
        "The workshop on {t} was fantastic and worth every minute.",
        "Great explanation of {t}, I finally get it!",
        "This guide to {t} is clear, friendly and genuinely useful.",
        "Best talk on {t} I have attended in years.",
    ]

    static let negativeSentences: [String] = [
        "This is the worst guide to {t} I have ever read.",
        "The seminar on {t} was boring and far too long.",
        "I regret paying for that course on {t}.",
        "The article about {t} was confusing and full of errors.",
        "Terrible service, and nobody could answer my question about {t}.",
    ]

    static let reasons: [String] = [
        "it affects how people live and work every day",
        "small changes can add up to large results over time",
        "it connects science, money and personal choices",
        "many common beliefs about it turn out to be wrong",
        "it shapes decisions made by governments and families alike",
        "it is easier to understand than most people expect",
        "the costs of ignoring it tend to grow over the years",
        "it offers practical skills that transfer to other areas",
    ]

    static let advice: [String] = [
        "Start with one small, concrete step and build from there.",
        "Read one reliable source each week and take short notes.",
        "Talk to someone with experience before making a big decision.",
        "Set a clear goal and review your progress every month.",
        "Compare at least two options before you commit.",
        "Keep a simple checklist so you do not forget the basics.",
        "Ask questions early, even if they seem obvious.",
        "Share what you learn; explaining it helps you remember.",
    ]

    static let people: [String] = ["Maria Lopez", "James Carter", "Aiko Tanaka", "Omar Haddad", "Priya Nair", "Lukas Weber", "Grace Kim", "Daniel Okafor"]

    static let places: [String] = ["Lisbon", "Chicago", "Nairobi", "Osaka", "Toronto", "Melbourne", "Krakow", "Lima", "Denver", "Seoul"]

    static let animals: [(String, String)] = [
        ("Dolphin", "Mammal"), ("Eagle", "Bird"), ("Gecko", "Reptile"), ("Salmon", "Fish"), ("Frog", "Amphibian"),
        ("Bat", "Mammal"), ("Penguin", "Bird"), ("Crocodile", "Reptile"), ("Shark", "Fish"), ("Salamander", "Amphibian"),
    ]

    static let foods: [String] = ["Apple", "Carrot", "Brown rice", "Mango", "Spinach", "Oats", "Banana", "Broccoli", "Quinoa", "Chili pepper"]

    static let blacklistedPhrases: [String] = [
        "Describe the picture of", "Draw a simple sketch of", "Create a graph that shows trends in",
        "Plot the growth of", "Make a map of places related to", "Write a file that lists facts about",
        "Design a diagram explaining", "Compose music inspired by", "Outline a video about",
        "Suggest an image that represents",
    ]
}
