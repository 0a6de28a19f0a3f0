// Internals of the record service shared by its source files (service.cpp, import_export.cpp,
// documents.cpp). Not for other modules: they use service.hpp.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/error.hpp"
#include "isms/records/service.hpp"

namespace isms::records::engine {

// The change-log entity of a type's records: "record.TYPE".
std::string Entity(std::string_view type);
// The link-index target kinds that are not record types.
inline constexpr const char* kControlTarget = "@control";
inline constexpr const char* kAttachmentTarget = "@attachment";

std::optional<Record> Load(store::Db& db, std::string_view org, std::string_view type, std::string_view id);
// kNotFound "no TYPE 'ID'".
Record LoadOrThrow(store::Db& db, const RecordType& t, std::string_view org, std::string_view id);
// kPreconditionFailed when `expected` is set and differs from the record's version.
void CheckVersion(const Record& r, std::optional<int64_t> expected);
// kConflict when the record is archived.
void RequireNotArchived(const Record& r, std::string_view what);

// Records being imported together: they may link to each other and must not share unique values.
struct Batch {
    std::set<std::string> ids;                                   // "type\x1fid"
    std::map<std::string, std::pair<std::string, int>> keys;     // "field\x1fvalue" → (id, line)
};

// Checks `data` of a record `self_id` of type `t`: fields (CheckData), links (resolving unique values such
// as e-mail addresses to ids), controls, attachments and unique values. Appends problems; returns true
// when a unique value is taken (the caller reports kConflict rather than kInvalidInput for that).
bool Prepare(store::Db& db, const RecordType& t, const std::string& org, const std::string& self_id, Json& data,
             std::vector<ErrorDetail>& problems, Batch* batch = nullptr, int line = 0);

// Throws the problems as one error (kConflict when `conflict`, else kInvalidInput).
[[noreturn]] void ThrowProblems(std::string_view what, std::vector<ErrorDetail> problems, bool conflict);

// Stores `rec` (insert when `before` is null, else update guarded by before's version), rebuilds its link and
// key index and appends one change-log entry `op` (with `event` under "event" in the after image when not
// null). Sets version, title, next_review and the update stamps. The type's rules run first; their problems
// refuse the write: thrown, or — when `refused` is given — appended there (with the event's "import_line") and
// false returned, nothing written.
bool Persist(store::WriteTx& tx, const RecordType& t, Record& rec, const Record* before, std::string_view op,
             const Json& event = nullptr, std::vector<ErrorDetail>* refused = nullptr);

// Saves (or refreshes) the revision row of a record in a locked state.
void SaveRevision(store::WriteTx& tx, const Record& rec);

// 27001 7.5.3: when `before` is in a locked state, keeps its revision readable (record_revisions) and turns
// `rec` into the next revision in the draft state, without approval. Returns true when it did.
bool ReviseIfLocked(store::WriteTx& tx, const RecordType& t, const Record& before, Record& rec);

// The next free id PREFIX-N of a type, and the next seq.
std::pair<std::string, int64_t> NextId(store::Db& db, const RecordType& t, std::string_view org,
                                       const std::set<std::string>& also_taken = {});
// kInvalidInput unless `id` is 1–64 characters of letters, digits, '.', '_' and '-' (starting alphanumeric).
void CheckId(std::string_view id);

// Applies a workflow transition to `rec` in memory (permission, from-state, required fields, approval
// stamps). Does not persist.
void ApplyTransition(const Context& ctx, const RecordType& t, Record& rec, const Transition& tr);
// Why `ctx` may not make the transition (its roles, else its permission); "" when it may.
std::string TransitionRefusal(const Context& ctx, const RecordType& t, const Transition& tr);
// The user name of the account of the person the `by` field of `tr` names in `data`, when that person can make
// `tr` in isms: their user name is an enabled account of the organisation (`role_of`) whose role allows `tr`.
// nullopt when `tr` has no `by` field, names nobody, or a person who cannot (no login, or a role without the
// permission): they approve outside isms and an account with the permission records it.
std::optional<std::string> TransitionAccount(store::Db& db, std::string_view org, const RecordType& t,
                                             const Transition& tr, const Json& data, const AccountRoleLookup& role_of);
// Why `ctx` may not make `tr` on record `id` holding `data` for want of being the person its `by` field names
// (27001 7.5.2: the named approver approves); "" when it may. A trusted local operator (ctx.system: the CLI on
// the database file, demo seeding) records it for them.
std::string TransitionActorRefusal(store::Db& db, const Context& ctx, const RecordType& t, std::string_view id,
                                   const Json& data, const Transition& tr, const AccountRoleLookup& role_of);
// The fields `tr` requires that `data` has no value for, each as a problem naming the field.
std::vector<ErrorDetail> MissingForTransition(const Transition& tr, const Json& data);

// The shortest sequence of transitions from state `from` to state `to` (breadth first, transitions in the
// order the type declares them; empty when the states are equal); nullopt when the workflow cannot reach `to`.
// A state set directly (an import's state column) is reached along this path, each step a real transition
// with its permission, required fields and the type's rules.
std::optional<std::vector<const Transition*>> PathTo(const RecordType& t, const std::string& from,
                                                     const std::string& to);

}  // namespace isms::records::engine
