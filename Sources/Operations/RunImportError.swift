public import SelfInstruct

/// Why an import was refused.
public enum RunImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name belongs to a run that is not an import of this file.
    case nameTaken(name: String, runID: Int64, provenance: ImportProvenance?)
    /// The name holds an import of this file made with other options (hygiene, format).
    case differentOptions(name: String, runID: Int64, provenance: ImportProvenance)
    /// Hygiene removed every record, so there is no data set to import.
    case nothingAdmitted(records: Int)

    public var description: String {
        switch self {
        case .nameTaken(let name, let runID, let provenance):
            if let provenance {
                return "run \(runID) '\(name)' holds a different file (imported from \(provenance.path), sha256 \(provenance.sha256)); "
                    + "choose another --name"
            }
            return "a run named '\(name)' already exists (run \(runID), not an import); choose another --name"
        case .differentOptions(let name, let runID, let provenance):
            return "run \(runID) '\(name)' holds this file imported as \(provenance.format.rawValue) with hygiene "
                + (provenance.hygiene ? "on" : "off") + " and language \(provenance.language.rawValue)"
                + "; import it under another --name to decide it differently"
        case .nothingAdmitted(let records):
            return "nothing to import: hygiene removed all \(records) records (see the counts above; --no-hygiene keeps them)"
        }
    }
}
