// The threat and vulnerability library (ISO/IEC 27005 asset-based identification): a built-in set written in
// our own words (data/risk/threats.csv, vulnerabilities.csv, compiled into the binary) with each
// organisation's edits laid over it. An organisation may change a built-in entry (its copy wins), retire it
// (hidden from pickers, still shown on risks that use it) or add its own entries.
//
// Errors: kInvalidInput naming the field (unknown category/origin, control ids that are not Annex A
// controls, an id that clashes), kNotFound for an unknown id, kPreconditionFailed for a stale version.
// Permissions: reading needs kRead, changing needs kRiskWrite. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"
#include "isms/risk/directory.hpp"
#include "isms/store/store.hpp"

namespace isms::risk {

enum class LibraryKind { kThreat, kVulnerability };
std::string_view KindName(LibraryKind k);  // "threat", "vulnerability"
// Parses "threat(s)" / "vulnerability|vulnerabilities"; throws kInvalidInput naming both.
LibraryKind ParseKind(std::string_view s);

struct LibraryEntry {
    LibraryKind kind = LibraryKind::kThreat;
    std::string id;           // "T01", "V12", or the organisation's own ("TC-1")
    std::string category;     // threats: deliberate attack, human error, …; vulnerabilities: people, process, …
    std::string name;
    std::string description;
    std::string origin;                 // threats: deliberate, accidental, environmental ("" for vulnerabilities)
    std::vector<std::string> affects;   // threats: subset of C, I, A
    std::vector<std::string> controls;  // vulnerabilities: Annex A controls that usually address it
    bool builtin = false;               // the id comes from the built-in library
    bool edited = false;                // the organisation changed the built-in text
    bool retired = false;
    int64_t row_version = 0;            // 0 = the untouched built-in entry

    Json ToJson() const;
};

// Fields of an add or edit; unset fields keep their value (edit) or are required (add: name, category).
struct LibraryInput {
    std::optional<std::string> id;  // add only: the organisation's own id; generated when missing
    std::optional<std::string> category, name, description, origin;
    std::optional<std::vector<std::string>> affects, controls;
    std::optional<bool> retired;
    // Reads a JSON object; unknown keys and wrong types are kInvalidInput naming the key.
    static LibraryInput FromJson(const Json& j);
};

class RiskLibrary {
public:
    RiskLibrary(store::Store& store, catalog::CatalogService& catalog) : store_(store), catalog_(catalog) {}

    // The built-in entries of a kind, as shipped.
    static const std::vector<LibraryEntry>& Builtin(LibraryKind kind);
    static std::vector<std::string> Categories(LibraryKind kind);
    static std::vector<std::string> Origins();

    // Built-in entries with the organisation's edits applied, then its own, in id order. Retired entries
    // only when `include_retired`.
    std::vector<LibraryEntry> List(const Context& ctx, LibraryKind kind, bool include_retired = false);
    std::optional<LibraryEntry> Find(const Context& ctx, LibraryKind kind, const std::string& id);
    // Adds an organisation entry. kConflict when the id exists (built-in or own).
    LibraryEntry Add(const Context& ctx, LibraryKind kind, const LibraryInput& in);
    // Edits a built-in or own entry. `expected_version` (from row_version) guards against lost updates;
    // nullopt = unconditional.
    LibraryEntry Edit(const Context& ctx, LibraryKind kind, const std::string& id, const LibraryInput& in,
                      std::optional<int64_t> expected_version = std::nullopt);

    // Inside a read or write: the organisation's library of a kind (built-in with edits, then its own),
    // retired entries included. No permission check: for services that already checked theirs.
    static std::vector<LibraryEntry> Load(store::Db& db, const std::string& org_id, LibraryKind kind);

private:
    void ValidateEntry(const Context& ctx, LibraryEntry& e);
    store::Store& store_;
    catalog::CatalogService& catalog_;
};

}  // namespace isms::risk
