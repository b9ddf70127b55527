// The `seed_tasks` table: the human-written tasks a run starts from, in file order.

public import SelfInstruct
public import Store

/// Every statement over `seed_tasks`.
public enum SeedTasksTable {
    /// Inserts the run's seeds, positions in array order.
    public static func insert(_ tasks: [SeedTask], runID: Int64, on executor: some SQLExecutor) async throws {
        for (position, task) in tasks.enumerated() {
            let instances = "[" + task.instances.map {
                "{\"input\": \(JSONWriter.quoted($0.input)), \"output\": \(JSONWriter.quoted($0.output))}"
            }.joined(separator: ", ") + "]"
            try await executor.execute("""
                INSERT INTO seed_tasks (run_id, id, position, name, instruction, instances, is_classification)
                VALUES (\(runID), \(task.id), \(Int32(position)), \(task.name), \(task.instruction),
                        \(instances)::jsonb, \(task.isClassification))
                """, operation: "create_seed_task")
        }
    }

    /// The run's seeds in file order, with their instances (name and classification flag are not read back).
    public static func tasks(runID: Int64, on executor: some SQLExecutor) async throws -> [SeedTask] {
        let rows = try await executor.rows(
            "SELECT id, instruction, instances::text AS instances FROM seed_tasks WHERE run_id = \(runID) ORDER BY position",
            operation: "run_seeds")
        return try rows.map { row in
            SeedTask(id: try row.decode("id", as: String.self), instruction: try row.decode("instruction", as: String.self),
                     instances: try instances(json: try row.decode("instances", as: String.self)))
        }
    }

    /// Reads a seed's `instances` array (`[{"input": …, "output": …}]`).
    static func instances(json text: String) throws -> [TaskInstance] {
        guard case .array(let items)? = try? JSONReader.parse(Array(text.utf8)) else {
            throw RecordError(kind: "invalid_seed", message: "seed instances are not a JSON array")
        }
        return items.compactMap { item in
            guard case .string(let output)? = item["output"] else { return nil }
            if case .string(let input)? = item["input"] { return TaskInstance(input: input, output: output) }
            return TaskInstance(input: "", output: output)
        }
    }
}
