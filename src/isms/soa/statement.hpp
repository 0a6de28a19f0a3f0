// StatementOfApplicability: the organisation's SoA (27001 6.1.3 d), derived on every read from the Annex A
// catalog, the risk treatments, the requirement records and the decisions people made (derivation.hpp),
// plus its approved versions: immutable snapshots with who approved, when, on which risk-criteria version,
// and whether `soa check` had open items (then only with an override reason, which is recorded).
//
// Errors: kNotFound for an unknown control id or version; kInvalidInput naming the field (exclusion without
// a reason, unknown status, status that contradicts applicability, unknown owner, malformed evidence);
// kConflict when approving with open check items and no override reason (the message lists them);
// kPreconditionFailed for a stale decision version.
// Permissions: kRead to read; kSoaWrite to decide; kSoaApprove to approve. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/risk/criteria_service.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/register.hpp"
#include "isms/soa/derivation.hpp"
#include "isms/store/state_check.hpp"
#include "isms/store/store.hpp"

namespace isms::soa {

// Fields of a decision edit; unset = keep.
struct DecisionInput {
    std::optional<std::string> applicability;  // applicable, not_applicable, undecided
    std::optional<std::string> inclusion_reason, exclusion_reason, status, notes, owner;
    std::optional<std::vector<std::string>> evidence;
    static DecisionInput FromJson(const Json& j);
};

struct ApproveInput {
    std::string comment;
    std::string override_reason;  // required when the check has open items
};

struct Version {
    int version = 0;
    std::string approved_at, approved_by;
    int criteria_version = 0;
    std::string comment;
    std::string override_reason;
    int open_items = 0;
    std::vector<Entry> entries;
    std::vector<CheckItem> check;  // the open items at approval
    std::string hash;              // SHA-256 of the snapshot as stored
    Json ToJson(bool with_entries = true) const;
};

struct Summary {
    int controls = 0, applicable = 0, not_applicable = 0, undecided = 0;
    std::map<std::string, int> by_status;
    int open_items = 0;
    Json ToJson() const;
};

// The SoA decisions, for `isms log verify` (store/state_check.hpp): each row against its last change-log entry.
store::LoggedTable DecisionsLoggedTable();

class StatementOfApplicability {
public:
    StatementOfApplicability(store::Store& store, catalog::CatalogService& catalog, risk::RecordDirectory& records)
        : store_(store), catalog_(catalog), records_(records) {}

    // The current statement: 93 entries in catalog order.
    std::vector<Entry> Current(const Context& ctx);
    Entry Get(const Context& ctx, const std::string& control_id);
    std::vector<CheckItem> Check(const Context& ctx);
    // The statement filtered and sorted with the catalog's query language (isms/catalog/query.hpp, e.g.
    // "applicability = applicable and control_type = Detective and status != implemented"). Fields: the
    // catalog's (id, title, theme, the attribute families, predecessors, overridden, text) plus the SoA's:
    //   applicability (applicable, not_applicable, undecided), status (implementation status; none while
    //   undecided), decided_by (decision, derived), owner, risks, requirements (ids), justified (true/false),
    //   evidence (links).
    // kInvalidInput for a bad where-clause or sort (column and valid names).
    std::vector<Entry> Select(const Context& ctx, const std::string& where, const std::string& sort = "");
    // The vocabulary Select understands.
    catalog::query::Vocabulary SelectVocabulary(const Context& ctx);
    Summary Summarise(const Context& ctx);

    // Records a decision for one control. `expected_version`: the entry's version as read (0 when no
    // decision was stored yet); nullopt = unconditional.
    Entry Decide(const Context& ctx, const std::string& control_id, const DecisionInput& in,
                 std::optional<int64_t> expected_version = std::nullopt);

    // Approves the current statement as the next version. With open check items only when
    // `override_reason` is given (kConflict otherwise, listing the items).
    Version Approve(const Context& ctx, const ApproveInput& in);
    std::vector<Version> Versions(const Context& ctx);  // without entries, newest last
    // One version with its entries; kNotFound when missing; kInternal when its stored hash does not match.
    Version GetVersion(const Context& ctx, int version);
    // Changes from version `from` to version `to`; 0 stands for the current (unapproved) statement.
    std::vector<Change> Diff(const Context& ctx, int from, int to);

    // Inside a read or write: control id → owner (person record id) of the decisions that name an owner and do
    // not exclude the control (for the independence of internal auditors, 27001 9.2.2).
    static std::map<std::string, std::string> ControlOwners(store::Db& db, const std::string& org_id);

private:
    Inputs Gather(const Context& ctx, store::Db& db);
    std::vector<Entry> DeriveIn(const Context& ctx, store::Db& db);

    store::Store& store_;
    catalog::CatalogService& catalog_;
    risk::RecordDirectory& records_;
};

}  // namespace isms::soa
