// Record types: the declarative description of one kind of ISMS record (fields, workflow, versioning,
// review cycle), read from a YAML file, and the registry of all types the program knows.
//
// Every type is described once (src/isms/records/schemas/NAME.yaml, embedded into the binary; more can be
// added from folders named in $ISMS_RECORD_SCHEMAS or AppOptions::record_schema_dirs). From that
// description alone the engine (service.hpp) gives the type validation, storage with history, search,
// import/export, API routes, CLI verbs and the metadata the web UI renders forms and tables from.
// docs/records.md is the YAML reference.
//
// Errors: a malformed schema is rejected when it is loaded, with kInvalidInput naming the file, the line and
// the problem (unknown field type, enum without values, transition to an unknown state, duplicate field,
// link to an unknown type, …). Registries are immutable after Finish(); reading them is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/error.hpp"
#include "isms/core/json.hpp"

namespace isms::store {
class Db;
}

namespace isms::records {

struct Record;
struct RecordType;

// A domain rule of one record type: what the fields, links and workflow cannot say (an auditor may not audit
// their own area, a corrective action closes only after an effective effectiveness check, …). Other modules
// add rules with TypeRegistry::AddRule; the engine runs them inside the write transaction of every change of a
// record of the type (create, update, revise, transition, import, archive, attach, and the ops of other
// modules' in-transaction writes), after its own checks and before anything is stored. A rule reports
// problems (field + message); any problem aborts the write with kInvalidInput listing them all. A rule may
// read the store through `db` (the same transaction) but must not write.
struct RuleCall {
    store::Db& db;
    const Context& ctx;
    const RecordType& type;
    const Record* before;         // null on create
    const Record& after;          // the record as it would be stored
    std::string_view op;          // create, update, revise, transition, import, archive, unarchive, attach, …
    std::string_view transition;  // op "transition": the transition's name
};
using RecordRule = std::function<void(const RuleCall&, std::vector<ErrorDetail>& problems)>;

enum class FieldType {
    kText,        // one line of text (min/max: length)
    kMarkdown,    // longer text, Markdown
    kEnum,        // one of `values`
    kDate,        // YYYY-MM-DD
    kNumber,      // JSON number (min/max: value)
    kBoolean,     // true/false
    kPerson,      // id of a `person` record
    kRole,        // id of a `role` record
    kLink,        // id of a record of type `to`
    kControl,     // id of a catalog control ("5.19")
    kList,        // JSON array of `of` items (min/max: number of items)
    kEmail,       // an e-mail address
    kUrl,         // an http(s) URL
    kAttachment,  // SHA-256 of an attachment stored with the record
};

std::string_view FieldTypeName(FieldType t);
std::optional<FieldType> ParseFieldType(std::string_view name);
std::vector<std::string> FieldTypeNames();

struct FieldDef {
    std::string name;
    std::string label;
    std::string help;                  // one sentence for forms and docs
    FieldType type = FieldType::kText;
    FieldType item_type = FieldType::kText;  // the scalar type of each value: == type unless type is kList
    bool required = false;
    bool unique = false;               // no two records of the type share the value (case-insensitive)
    Json default_value;                // null = none; applied on create
    std::vector<std::string> values;   // kEnum (or list of enum): the allowed values
    std::string link_type;             // kPerson → "person", kRole → "role", kLink → `to`
    std::optional<double> min, max;    // number: value; text: length; list: item count

    bool IsList() const { return type == FieldType::kList; }
    // True when the values are ids of records (person, role, link).
    bool IsRecordLink() const {
        return item_type == FieldType::kPerson || item_type == FieldType::kRole || item_type == FieldType::kLink;
    }
};

struct State {
    std::string name;
    std::string label;
};

struct Transition {
    std::string name;                  // verb: "approve"
    std::string label;                 // "Approve"
    std::vector<std::string> from;     // states it may start from
    std::string to;
    std::optional<Permission> permission;  // permission needed (default records.write)
    std::vector<Role> roles;           // when set, only these roles (and administrators) may move it
    bool approval = false;             // records who approved and when
    std::vector<std::string> requires_fields;  // fields that must have a value before moving
    // A person field naming who makes this transition (27001 7.5.2: the approver a document names approves
    // it). When that person's user name is an enabled account of the organisation whose role allows the
    // transition, only that account may make it; otherwise they approve outside isms, and an account with the
    // permission records it for them.
    std::string by_field;
};

struct Workflow {
    std::string initial;
    std::vector<State> states;
    std::vector<Transition> transitions;
};

// An ISO 8601 period such as P12M, P1Y, P6W, P30D (years/months/weeks/days only).
struct Period {
    int years = 0, months = 0, days = 0;
    std::string text;
};
std::optional<Period> ParsePeriod(std::string_view s);
// d + p; month arithmetic clamps to the end of the month (2026-01-31 + P1M = 2026-02-28).
std::chrono::sys_days AddPeriod(std::chrono::sys_days d, const Period& p);

// 27001 7.5.2/7.5.3: approved documented information is changed through a new version, not in place.
struct Versioning {
    std::vector<std::string> locked_states;  // editing a record in one of these starts a new draft revision
    std::string draft_state;                 // the state such a new revision starts in
    std::string approved_on_field;           // optional date field the engine sets on approval
    std::string approved_by_field;           // optional text field the engine sets to the approving actor
    bool enabled() const { return !locked_states.empty(); }
};

// When a record is next due for review (or expires): see NextReview() in service.hpp.
struct ReviewPolicy {
    std::optional<Period> interval;  // default interval
    std::string interval_field;      // optional text field holding a per-record period ("P6M")
    std::string base_field;          // optional date field: the last review; else approval date, else creation
    std::string due_field;           // optional date field: an explicit due/expiry date that wins
    std::vector<std::string> states;  // only records in these states are due (empty: all)
    bool enabled() const { return interval || !due_field.empty(); }
};

// Acknowledgement (or completion) of a record's current revision by persons (27001 7.3, 7.5).
struct AcknowledgementPolicy {
    bool enabled = false;
    std::string label = "acknowledgement";  // "completion" for awareness campaigns
    std::vector<std::string> states;        // states in which persons may acknowledge (empty: all)
    std::string audience_field;             // optional: persons or roles who must acknowledge; else all active persons
};

// A reverse relation shown on the target record: "persons whose `roles` include this role".
struct Backlink {
    std::string type;
    std::string field;
    std::string label;
};

struct RecordType {
    std::string name;         // lower_snake_case; the URL and CLI name
    std::string title;        // "Context issue"
    std::string plural;       // "Context issues"
    std::vector<std::string> clauses;  // clauses of 27001 (or Annex A controls) it serves: "4.1", "A.5.9"
    std::string description;  // our own words
    std::string source;       // file it was read from
    std::string id_prefix;    // ids are PREFIX-1, PREFIX-2, …
    std::string title_field;  // the field that names a record
    std::vector<FieldDef> fields;
    Workflow workflow;
    Versioning versioning;
    ReviewPolicy review;
    AcknowledgementPolicy acknowledgements;
    std::vector<std::string> list_columns;  // fields (or id, state, next_review) shown in tables
    std::vector<Backlink> backlinks;
    // The permission to create, edit, import, archive and delete records of the type, and the default of its
    // transitions (YAML `permission`; default records.write). Audit records use audit.write.
    Permission write_permission = Permission::kRecordsWrite;
    std::vector<RecordRule> rules;  // domain rules (TypeRegistry::AddRule)

    const FieldDef* Field(std::string_view name) const;
    const State* FindState(std::string_view name) const;
    const Transition* FindTransition(std::string_view name) const;
    std::vector<std::string> FieldNames() const;
    std::vector<std::string> StateNames() const;
    bool IsLocked(std::string_view state) const;
};

// Machine-readable description of a type for the web UI and API clients (fields, workflow, columns, …).
Json TypeMetadata(const RecordType& t);

class TypeRegistry {
public:
    // Parses one schema. Throws kInvalidInput "FILE line N: problem" for anything malformed.
    static RecordType ParseSchema(std::string_view file_name, std::string_view yaml_text);

    // Adds a parsed type; kInvalidInput when the name is taken.
    void Add(RecordType t);
    // Adds every *.yaml file of a folder (sorted by name). kNotFound when the folder does not exist.
    void AddDirectory(const std::string& dir);
    // Checks what needs all types: link targets, backlinks. Throws kInvalidInput naming file and field.
    void Finish();
    // Adds a domain rule to a type (kNotFound for an unknown type). Call while setting the program up, before
    // the registry is shared between threads.
    void AddRule(std::string_view type, RecordRule rule);

    // The built-in types (embedded), plus the folders given, finished.
    static TypeRegistry Builtin(const std::vector<std::string>& extra_dirs = {});

    const RecordType* Find(std::string_view name) const;
    // Throws kNotFound naming the known types.
    const RecordType& Get(std::string_view name) const;
    const std::vector<RecordType>& types() const { return types_; }

private:
    std::vector<RecordType> types_;
};

}  // namespace isms::records
