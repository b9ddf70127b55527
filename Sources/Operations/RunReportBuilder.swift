// `sictl report`: reads what a run (finished, live, or imported) holds and hands it to the domain's analyses.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Records
public import SelfInstruct
public import Store

/// Makes the `RunReport` of a run from the database.
public struct RunReportBuilder: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The report of run `runID`; ROUGE-L is measured against `seeds` (with where they came from) when given, else
    /// against the run's own seed tasks (an imported data set has none).
    public func report(runID: Int64, seeds: (instructions: [String], source: String)? = nil) async throws -> RunReport {
        guard let progress = try await MonitoringViews.progress(runID: runID, on: database).first else {
            throw RecordError.unknownRun(runID)
        }
        let facts = try await RunCatalog(database: database).facts(run: runID)
        let importedFrom = try await RunsTable.configJSON(id: runID, on: database).flatMap(ImportProvenance.init(configJSON:))?.path
        let instructions = try await InstructionsTable.admittedTextsInOrder(runID: runID, on: database)
        let instances = try await InstancesTable.validTexts(runID: runID, on: database)
        let rejections = try await MonitoringViews.topRejections(runID: runID, limit: 10_000, on: database)
        let minutes = try await TeacherCallsTable.perMinute(runID: runID, on: database)
        let seedInstructions = seeds?.instructions ?? facts.seedInstructions
        let analysis = InstructionAnalysis(
            instructions: instructions, seeds: seedInstructions, instances: instances, language: facts.config.language)
        let status = RunStatus(rawValue: progress.status)
        let header = RunReport.Header(
            runID: runID, name: progress.name, recipe: progress.recipe, status: progress.status,
            language: facts.config.language.rawValue, importedFrom: importedFrom, target: progress.target,
            instructions: instructions.count, validInstances: instances.count, seeds: seedInstructions.count,
            seedsFrom: seeds?.source ?? "the run's seed tasks", live: !(status?.isFinished ?? true),
            generatedAt: Date.now.ISO8601Format())
        return RunReport(
            header: header, analysis: analysis,
            rejections: rejections.map { RunReport.Rejection(stage: $0.stage, reason: $0.reason, count: $0.count) },
            teacher: minutes.map {
                RunReport.TeacherMinute(minute: $0.minute, calls: $0.calls, failures: $0.failures, promptTokens: $0.promptTokens,
                                        completionTokens: $0.completionTokens, costUSD: $0.costUSD)
            })
    }
}
