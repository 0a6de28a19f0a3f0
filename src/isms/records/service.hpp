// The record service: one engine that stores, validates, versions, searches, imports and exports every
// record type of the registry (schema.hpp). Domain modules (risk, SoA, evaluation, …) use it to read and
// link to ISMS records such as assets, persons and suppliers; the API and CLI are thin layers over it.
//
// Identity and versions. A record is (organisation, type, id); ids are PREFIX-N ("AST-12") unless the caller
// gives one. `version` counts every change of the record and is its ETag: writes accept an expected version
// and fail with kPreconditionFailed when the record moved on (optimistic concurrency, also across servers).
// `revision` is the document revision: editing a record in a locked state (approved, published; see
// Versioning in schema.hpp) does not change the approved content but starts revision N+1 in the draft state;
// the approved revision stays readable (Revisions/GetRevision) until the new one is approved.
//
// History. Every write is one Store::Write transaction with one change-log entry (entity "record.TYPE",
// entity id = record id, before/after = the record as JSON), so the change log is the record's history;
// History() turns it into field-level differences.
//
// Links. Person, role, link, control and attachment fields are checked when written: the target must exist
// in the same organisation (records) or the catalog (controls). A link may name a record by id or by a
// unique field of the target type (a person's e-mail); it is stored as the id. Links are indexed
// (record_links), so Delete refuses while anything links to the record, naming the linkers; SetArchived is
// the alternative. Other modules register their own links to records with SetExternalLinks so that the
// same protection covers them.
//
// Permissions: kRead to read; the type's write permission (records.write unless its YAML says otherwise, e.g.
// audit.write) to write; transitions name their own.
//
// Domain rules. Other modules attach rules to types (schema.hpp, RuleCall); every write runs them in its
// transaction, whichever way it comes (API, CLI, import, another module).
//
// Errors: kNotFound (type or record; other organisations' records are invisible), kInvalidInput (with one
// ErrorDetail per problem: field, message, allowed values, line for imports), kConflict (unique values,
// deletion of linked records), kPreconditionFailed (stale version), kForbidden (permissions), kTooLarge
// (attachments). Nothing is half-written: every operation is one transaction.
//
// Thread-safety: a RecordService may be shared by threads (the store serialises writes).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/catalog/query.hpp"
#include "isms/core/json.hpp"
#include "isms/records/schema.hpp"
#include "isms/store/store.hpp"

namespace isms::records {

struct Record {
    std::string type;
    std::string id;
    int64_t version = 0;   // every change +1; the ETag
    int64_t revision = 1;  // document revision (see the header comment)
    std::string state;
    std::string title;     // the value of the type's title_field
    Json data = Json::object();
    bool archived = false;
    std::optional<std::string> next_review;  // YYYY-MM-DD, when the record is due for review
    std::optional<std::string> approved_by, approved_at;  // of the current revision, when approved
    std::string created_at, created_by, updated_at, updated_by;
};

// The record as the API shows it: {type, id, version, revision, state, title, data, archived, next_review, …}.
Json ToJson(const Record& r);
// The columns of the records table in the order RecordFromRow reads them, from column `offset` on.
inline constexpr const char* kRecordColumns =
    "type, id, version, revision, state, title, data_json, archived, next_review, approved_by, approved_at, "
    "created_at, created_by, updated_at, updated_by";
Record RecordFromRow(const store::Row& r, size_t offset = 0);

// A revision that reached a locked state (approved, published), kept readable after later edits.
struct Revision {
    int64_t revision = 0;
    std::string state;
    Json data;
    std::string approved_by, approved_at;
    std::string updated_at;
    bool current = false;  // the newest released revision
};
Json ToJson(const Revision& r);

struct ListQuery {
    std::string q;                              // free text: any field, the id or the title contains it
    std::string state;                          // only this state
    std::map<std::string, std::string> equals;  // field = value (list fields: contains the value)
    // A where-clause of the attribute query language (isms/catalog/query.hpp) over the record's fields and
    // id, state, title, archived, next_review: `classification in (confidential, restricted) and owner = PER-3`.
    std::string where;
    bool include_archived = false;
    std::string cursor;  // from Page::next_cursor
    int limit = 50;      // 1..1000
};

struct Page {
    std::vector<Record> items;
    std::string next_cursor;  // "" at the end
};

// Who links to a record.
struct Linker {
    std::string type;   // a record type or another module's entity ("risk")
    std::string id;
    std::string field;
    std::string title;  // for records
    bool archived = false;
};

struct FieldChange {
    std::string field;  // a data field, or "state", "archived", "revision"
    Json before, after;
};

struct HistoryEntry {
    int64_t seq = 0;
    std::string at, actor, op;  // op: create, update, revise, transition, archive, unarchive, delete, attach, …
    int64_t version = 0;
    std::string transition;  // for op "transition"
    std::vector<FieldChange> changes;
    Json detail;             // op-specific extras (acknowledging person, attachment name, …)
};
Json ToJson(const HistoryEntry& h);

struct ImportResult {
    int created = 0;
    int updated = 0;
    std::vector<std::string> ids;  // in input order
};

enum class DataFormat { kCsv, kJson };
// "csv" or "json"; kInvalidInput otherwise.
DataFormat ParseDataFormat(std::string_view s);

struct DueItem {
    std::string type, type_title, id, title, state, next_review;
    int64_t days_left = 0;  // negative: overdue
};
// What is due: dates up to `until` (today + within days), counted in days from `today`.
struct DueWindow {
    std::chrono::sys_days today;
    std::string until;  // YYYY-MM-DD
    int64_t DaysLeft(std::string_view date) const;
};
// Throws kInvalidInput unless 0 <= within_days <= 3660 and `today` ("" = today) is a date.
DueWindow MakeDueWindow(int within_days, std::string today = {});

struct Attachment {
    std::string sha256, filename, content_type;
    int64_t size = 0;
    std::string created_at, created_by;
    std::string bytes;  // only filled by GetAttachment
};
Json ToJson(const Attachment& a);

struct AcknowledgementStatus {
    int64_t revision = 0;
    std::string label;  // "acknowledgement", "completion"
    struct Entry {
        std::string person_id, name, at, actor;
    };
    std::vector<Entry> acknowledged;
    std::vector<Entry> pending;  // persons of the audience who have not yet acknowledged this revision
};
Json ToJson(const AcknowledgementStatus& s);

// An account of the organisation: its user name as the account has it (lower case) and its role there.
struct MemberAccount {
    std::string username;
    Role role = Role::kViewer;
};
// The enabled account a person's user name names and its role in the organisation; nullopt when there is none
// (no such account, disabled, not a member). The accounts live in the auth module; the application supplies it.
using AccountRoleLookup =
    std::function<std::optional<MemberAccount>(store::Db& db, std::string_view org_id, std::string_view username)>;

class RecordService {
public:
    RecordService(store::Store& store, const TypeRegistry& types);

    const TypeRegistry& types() const { return types_; }
    // Which accounts exist, for the transitions a record reserves for the person it names (`by`). Without it,
    // every person's user name counts as an account that may make them.
    void SetAccountRoleLookup(AccountRoleLookup lookup) { account_role_ = std::move(lookup); }

    // Creates a record in the type's initial state. `id` is optional (PREFIX-N when empty). Needs
    // records.write.
    Record Create(const Context& ctx, std::string_view type, Json data, std::string id = {});
    std::optional<Record> Find(const Context& ctx, std::string_view type, std::string_view id);
    // Throws kNotFound.
    Record Get(const Context& ctx, std::string_view type, std::string_view id);
    // The transitions of `rec` that only one account may make (its `by` field names a person who can make them
    // in isms: the approver approves), each with that account's user name. The others are absent.
    std::map<std::string, std::string> TransitionAccounts(const Context& ctx, const Record& rec);
    Page List(const Context& ctx, std::string_view type, const ListQuery& q);

    // Merges `patch` into the data (a null value removes a field). In a locked state this starts a new
    // draft revision. `if_version`: expected current version (kPreconditionFailed otherwise).
    Record Update(const Context& ctx, std::string_view type, std::string_view id, const Json& patch,
                  std::optional<int64_t> if_version = std::nullopt);
    // Create and Update inside another module's write transaction (the ctx is the transaction's), so that a
    // domain service can store its own rows and the records they change in one transaction. Same checks, rules
    // and change log as Create/Update, but no permission check: the calling service checks its own. `op` names
    // the change in the change log and for the type's rules ("measure", "compile", …).
    Record CreateIn(store::WriteTx& tx, std::string_view type, Json data, std::string id = {});
    Record UpdateIn(store::WriteTx& tx, std::string_view type, std::string_view id, const Json& patch,
                    std::string_view op = "update", std::optional<int64_t> if_version = std::nullopt);
    // Moves the record along its workflow; `transition` is a transition name or the target state. Errors
    // name the transitions allowed from the current state.
    Record Transition(const Context& ctx, std::string_view type, std::string_view id, std::string_view transition,
                      std::optional<int64_t> if_version = std::nullopt);
    Record SetArchived(const Context& ctx, std::string_view type, std::string_view id, bool archived,
                       std::optional<int64_t> if_version = std::nullopt);
    // Deletes a record nothing links to; kConflict listing the linkers otherwise.
    void Delete(const Context& ctx, std::string_view type, std::string_view id,
                std::optional<int64_t> if_version = std::nullopt);

    std::vector<Linker> Linkers(const Context& ctx, std::string_view type, std::string_view id);
    std::vector<HistoryEntry> History(const Context& ctx, std::string_view type, std::string_view id);
    std::vector<Revision> Revisions(const Context& ctx, std::string_view type, std::string_view id);
    Revision GetRevision(const Context& ctx, std::string_view type, std::string_view id, int64_t revision);

    // All-or-nothing import: every row is checked (fields, links, uniqueness, also against the other rows)
    // before anything is written; kInvalidInput lists every bad row with its line. Rows with the id of an
    // existing record update it; others create records. A `state` column other than the record's current (a new
    // record's: the initial) state is reached along the workflow's transitions (engine::PathTo), each with its
    // permission or roles, required fields and the type's rules, as Transition would; each step is logged.
    ImportResult Import(const Context& ctx, std::string_view type, DataFormat format, std::string_view text);
    // Every record matching `q` (ignoring cursor and limit): CSV with the columns id, state, fields…; or a
    // JSON array of records.
    std::string Export(const Context& ctx, std::string_view type, DataFormat format, ListQuery q = {});

    // Records of every type whose review (or expiry) date is before today + within_days, oldest first.
    std::vector<DueItem> Due(const Context& ctx, int within_days, std::string today = {});

    // Stores a file with the record (27001 7.5.3) in an attachment field (default: the first one) and
    // returns the updated record. Limit: kMaxAttachmentBytes (kTooLarge). The content type is sniffed from
    // the bytes; HTML and other active content are stored as plain text or octet-stream.
    static constexpr size_t kMaxAttachmentBytes = 5 * 1024 * 1024;
    Record Attach(const Context& ctx, std::string_view type, std::string_view id, std::string_view filename,
                  std::string_view bytes, std::string field = {}, std::optional<int64_t> if_version = std::nullopt);
    // An attachment the record refers to (kNotFound otherwise), with its bytes.
    Attachment GetAttachment(const Context& ctx, std::string_view type, std::string_view id,
                             std::string_view sha256);
    std::vector<Attachment> Attachments(const Context& ctx, std::string_view type, std::string_view id);

    // Records that `person_id` acknowledged (or completed) the record's current revision. Allowed with
    // records.write, or for oneself (the person's `username` is the actor's user name).
    Record Acknowledge(const Context& ctx, std::string_view type, std::string_view id, std::string_view person_id);
    AcknowledgementStatus Acknowledgements(const Context& ctx, std::string_view type, std::string_view id);

    // The fields the query language may name for a type: enum, boolean and state are closed sets.
    static catalog::query::Vocabulary QueryVocabulary(const RecordType& t);
    // Values of a record as multi-valued text fields (for query languages and free-text search): every
    // field, plus id, state, title, next_review, archived.
    static std::map<std::string, std::vector<std::string>> FieldValues(const RecordType& t, const Record& r);

    // The date a record is next due: the due_field when set; else (base_field, approval date or creation
    // date) + (interval_field or the type's interval); none when the type has no review, the record is
    // archived or in a state without reviews.
    static std::optional<std::string> NextReview(const RecordType& t, const Record& r);

private:
    store::Store& store_;
    const TypeRegistry& types_;
    AccountRoleLookup account_role_;
};

// ---- For other modules, inside their own transactions ----------------------------------------------------

// One record (archived or not), or every record of a type in creation order.
std::optional<Record> FindRecord(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id);
std::vector<Record> RecordsOf(store::Db& db, std::string_view org_id, std::string_view type,
                              bool include_archived = false);
// Every record of a type as it stood at the instant `at` (RFC 3339 UTC, compared as text with the change log's
// times, e.g. "2026-03-31T23:59:59.999Z"), rebuilt from the change log: records created later are absent,
// records deleted since are present, each with the fields, state and archived flag it had then. In order of
// creation.
std::vector<Record> RecordsAsOf(store::Db& db, std::string_view org_id, std::string_view type, std::string_view at,
                                bool include_archived = false);
// True when the record exists in the organisation (archived or not).
bool RecordExists(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id);
// Throws kInvalidInput (naming `field`) unless the record exists.
void RequireRecord(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id,
                   std::string_view field);

struct LinkTarget {
    std::string type;  // record type
    std::string id;
};
// Replaces the links that entity (from_type, from_id) holds in `field` (e.g. a risk's assets), after
// checking that every target exists. Deleting a linked record is then refused naming this entity. Pass an
// empty list when the entity is deleted.
void SetExternalLinks(store::WriteTx& tx, std::string_view org_id, std::string_view from_type,
                      std::string_view from_id, std::string_view field, const std::vector<LinkTarget>& targets);

}  // namespace isms::records
