// swift-tools-version:6.1
import PackageDescription

// Strict settings on every target: Swift 6 language mode plus the upcoming features the
// style guide asks for (explicit `any`, imports visible only where declared, internal imports).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "self-instruct-factory",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SelfInstruct", targets: ["SelfInstruct"]),
        .library(name: "Broker", targets: ["Broker"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Teacher", targets: ["Teacher"]),
        .library(name: "Records", targets: ["Records"]),
        .library(name: "Worker", targets: ["Worker"]),
        .library(name: "Stages", targets: ["Stages"]),
        .executable(name: "sictl", targets: ["sictl"]),
        .executable(name: "si-bench", targets: ["si-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // No default traits: the simulator needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // System libraries: a module map over a shim header each, imported `internal` by one adapter only.
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Adapters: the only places that touch the C libraries.
        .target(
            name: "Broker",
            dependencies: ["CRabbitMQ", "SelfInstruct", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "Store",
            dependencies: ["CLibPQ", "SelfInstruct", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Pure domain: no I/O, no C. Prompt texts are versioned resource files embedded at build time.
        .target(
            name: "SelfInstruct",
            exclude: [],
            resources: [
                .embedInCode("Prompts/Resources/v1/selfinstruct-instructions.txt"),
                .embedInCode("Prompts/Resources/v1/selfinstruct-instructions-classification.txt"),
                .embedInCode("Prompts/Resources/v1/selfinstruct-is-classification.txt"),
                .embedInCode("Prompts/Resources/v1/selfinstruct-instances-output-first.txt"),
                .embedInCode("Prompts/Resources/v1/selfinstruct-instances-input-first.txt"),
                .embedInCode("Prompts/Resources/v1/alpaca-instructions.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-selfinstruct-instructions.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-selfinstruct-instructions-classification.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-selfinstruct-is-classification.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-selfinstruct-instances-output-first.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-selfinstruct-instances-input-first.txt"),
                .embedInCode("Prompts/Resources/zh-v1/zh-alpaca-instructions.txt"),
                .embedInCode("Prompts/Resources/unicode-v1/unicode-alpaca-instructions.txt"),
            ],
            swiftSettings: strict
        ),
        // libcurl through typed wrappers for its variadic calls; imported by Teacher only.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenAI-compatible teacher client: curl multi thread, wire types, retry and rate policies.
        .target(
            name: "Teacher",
            dependencies: [
                "CCurl",
                "SelfInstruct",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Operator logic over the Store: run lifecycle, progress, audit, dead letters, export and doctor; sictl is a
        // thin CLI over it.
        // Doctor also reaches the broker and the teacher.
        .target(
            name: "Operations",
            dependencies: ["SelfInstruct", "Store", "Records", "Broker", "Teacher", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Atomic output files (temp file, fsync, rename, directory fsync) for sictl and the shards stage; POSIX only.
        .target(name: "FileOutput", swiftSettings: strict),
        .executableTarget(
            name: "sictl",
            dependencies: [
                "SelfInstruct",
                "FileOutput",
                "Store",
                "Records",
                "Operations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "si-bench",
            dependencies: [
                "SelfInstruct",
                "Broker",
                "Teacher",
                "TeacherSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // One type per table: the only SQL outside Store and the migrations. Between Store and its users.
        .target(name: "Records", dependencies: ["SelfInstruct", "Store"], swiftSettings: strict),
        // The stages: the contract a stage implements (StageHandler, StageWork) and one handler file per stage,
        // over the records. No broker and no runtime: those are Worker's.
        .target(
            name: "Stages",
            dependencies: [
                "SelfInstruct",
                "FileOutput",
                "Store",
                "Records",
                "Teacher",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The runtime every stage daemon shares: configuration, stage loop, transactional outbox and relay.
        .target(
            name: "Worker",
            dependencies: [
                "SelfInstruct",
                "Broker",
                "Store",
                "Records",
                "Stages",
                "Teacher",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "si-generate", dependencies: ["Worker", "Stages"], swiftSettings: strict),
        .executableTarget(name: "si-filter", dependencies: ["Worker", "Stages"], swiftSettings: strict),
        .executableTarget(name: "si-classify", dependencies: ["Worker", "Stages"], swiftSettings: strict),
        .executableTarget(name: "si-instances", dependencies: ["Worker", "Stages"], swiftSettings: strict),
        .executableTarget(name: "si-shards", dependencies: ["Worker", "Stages"], swiftSettings: strict),
        // The deterministic OpenAI-compatible teacher as a library, so tests run it in-process.
        .target(
            name: "TeacherSimulator",
            dependencies: [
                "SelfInstruct",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "si-teacher-sim",
            dependencies: [
                "TeacherSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What the test targets share: the gate on PostgreSQL/RabbitMQ and the simulated teacher, in-process or
        // as the built si-teacher-sim.
        .target(
            name: "TestSupport",
            dependencies: ["Store", "Broker", "TeacherSimulator", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "SelfInstructTests", dependencies: ["SelfInstruct"], swiftSettings: strict),
        // Runs the built sictl binary end to end.
        // The daemons as separate processes end to end (two replicas, faults, SIGKILL); gated like IntegrationTests.
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Store", "Broker", "sictl", "si-generate", "si-filter", "si-classify", "si-instances", "si-shards",
                "si-teacher-sim", "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SictlTests", dependencies: ["sictl", "si-teacher-sim", "Store", "Broker", "TestSupport"], swiftSettings: strict
        ),
        .testTarget(name: "BrokerTests", dependencies: ["Broker", "SelfInstruct"], swiftSettings: strict),
        .testTarget(name: "FileOutputTests", dependencies: ["FileOutput"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: strict),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Stages", "Records", "Broker", "SelfInstruct", "Teacher", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Against real PostgreSQL and RabbitMQ; gated on SI_TEST_DATABASE_URL / SI_TEST_AMQP_URL.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Broker", "Store", "Records", "Operations", "Worker", "Stages", "Teacher", "TeacherSimulator", "SelfInstruct",
                "si-generate", "si-filter", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TeacherTests",
            dependencies: [
                "Teacher",
                "SelfInstruct",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The real TeacherClient + CurlTransport against the in-process simulator over HTTP; one test
        // against a real OpenAI-compatible server, gated on SI_TEST_REAL_TEACHER_URL.
        .testTarget(
            name: "TeacherIntegrationTests",
            dependencies: [
                "Teacher",
                "TeacherSimulator",
                "SelfInstruct",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TeacherSimulatorTests",
            dependencies: [
                "TeacherSimulator",
                "SelfInstruct",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
    ]
)
