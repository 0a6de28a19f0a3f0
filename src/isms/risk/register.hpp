// RiskRegister: risk identification and assessment (27001 6.1.2, 8.2), risk treatment (6.1.3, 8.3) and the
// acceptance of residual risk (6.1.3 f), over the store.
//
// Rules it enforces (each violation is an isms::Error naming the field; nothing is written):
//   - scores lie on the organisation's current criteria (kInvalidInput naming the allowed range);
//   - an asset-based risk names at least one asset, threat and vulnerability; an event-based one a scenario;
//     assets and owners are existing records, threats and vulnerabilities library entries;
//   - a treatment's controls are Annex A controls of the catalog or the organisation's own controls
//     (unknown id → kInvalidInput); `modify` needs at least one; `retain` keeps the inherent score as residual;
//     a residual score never exceeds the inherent one; residual is scored on the same criteria version as the
//     inherent score (reassess first after the criteria changed);
//   - residual risk is accepted by the risk owner only, and only when the acceptance criteria allow it for
//     the residual level: `top_management` levels need an owner who belongs to top management,
//     `not_acceptable` levels cannot be accepted (kForbidden with the reason);
//   - changing scores or the treatment ends the current acceptance (it stays in the history).
// Every assessment (initial scoring and each re-run) is kept: History() shows a risk's scores over time.
//
// Concurrency: updates take the version the caller read (`expected_version`, the API's ETag/If-Match);
// kPreconditionFailed when the risk changed in between. nullopt = unconditional (CLI).
// Permissions: kRead to read; kRiskWrite to change risks, treatments and actions; kRiskAccept to accept.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/error.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/criteria_service.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/library.hpp"
#include "isms/risk/risk.hpp"
#include "isms/store/store.hpp"

namespace isms::risk {

struct TreatmentInput {
    std::optional<std::string> option;
    std::optional<std::vector<std::string>> controls, own_controls;
    std::optional<std::string> plan;
    std::optional<int> residual_likelihood, residual_consequence;
    static TreatmentInput FromJson(const Json& j);
};

// Fields of a create or update. Unset = keep (update) / default (create). Create needs title and owner.
struct RiskInput {
    std::optional<std::string> title, description, scenario, owner, existing_controls, review_date, approach;
    std::optional<std::vector<std::string>> assets, threats, vulnerabilities;
    std::optional<Cia> cia;
    std::optional<int> likelihood, consequence;  // inherent score: both or neither
    std::optional<std::string> note;             // recorded with the assessment when scores are given
    std::optional<bool> closed;
    // Create and import only: the treatment decided together with the risk (needs the scores).
    std::optional<TreatmentInput> treatment;
    int line = 0;  // where the item came from in an imported file (for error messages); 0 = its position
    // Reads a JSON object ("cia" may be "CI" or ["C","I"]); unknown keys/wrong types → kInvalidInput.
    static RiskInput FromJson(const Json& j);
};

// Reads risks from CSV (27005 identification in a spreadsheet): a header with any of the RiskInput keys
// (title, description, approach, scenario, owner, assets, threats, vulnerabilities, cia, likelihood,
// consequence, existing_controls, review_date, note) and of its treatment (treatment = the option, controls,
// own_controls, plan, residual_likelihood, residual_consequence); lists are separated by ';'. Every item
// carries its line.
// Throws kInvalidInput naming line and column for malformed CSV, unknown columns and non-numeric scores.
std::vector<RiskInput> RisksFromCsv(std::string_view text);
// Reads risks from JSON: an array of risk objects (RiskInput::FromJson), or an object whose "items" is one (a
// saved API page, the body of POST /api/v1/risks/import). Every bad item is reported (field "items[i].key",
// line i + 1); throws kInvalidInput, for a syntax error with its byte offset.
std::vector<RiskInput> RisksFromJson(const Json& doc);
std::vector<RiskInput> RisksFromJson(std::string_view text);


struct ActionInput {
    std::optional<std::string> title, owner, due_date, status, control, notes;
    static ActionInput FromJson(const Json& j);
};

struct AcceptanceInput {
    // Whose acceptance this is. Accounts linked to a person record accept as that person (a different
    // value is kForbidden); the local operator and the system name the person (trusted, recorded).
    std::optional<std::string> person;
    std::string comment;  // required: why the residual risk is acceptable
    static AcceptanceInput FromJson(const Json& j);
};

// The organisation's own controls (beyond Annex A) that treatments may choose.
struct OwnControl {
    std::string id;  // "OC-3"
    std::string title;
    std::string description;
    int64_t row_version = 0;
    Json ToJson() const;
};

// The answer of a re-assessment: the risk as stored and what the new score ended, so that nothing is dropped
// silently.
struct Reassessment {
    Risk risk;
    // The planned residual score the new inherent score removed: it exceeded the new score (a residual may not
    // exceed the inherent score) or was made on older criteria. The treatment must estimate it again.
    std::optional<Score> dropped_residual;
    std::optional<Acceptance> ended_acceptance;  // the acceptance the changed score ended
    std::vector<std::string> notices;            // both in words, for the CLI and the API
    Json ToJson() const;                         // the risk's JSON with "notices" (an array, empty when none)
};

struct RiskFilter {
    bool include_closed = true;
    std::string owner;  // person id
    std::string asset;  // asset id
    std::string status;
    std::string control;  // risks whose treatment chose this control
};

// A light view of every risk's links to controls, for the SoA: control id → risk ids choosing it (open
// risks only), in risk-number order.
using ControlUsage = std::map<std::string, std::vector<std::string>>;

class RiskRegister {
public:
    RiskRegister(store::Store& store, RiskCriteriaService& criteria, RiskLibrary& library, catalog::CatalogService& catalog,
                 RecordDirectory& records)
        : store_(store), criteria_(criteria), library_(library), catalog_(catalog), records_(records) {}

    // Risks ---------------------------------------------------------------------------------------------
    Risk Create(const Context& ctx, const RiskInput& in);
    // Creates many risks in one transaction (CSV/JSON import): all or nothing; errors name the item index
    // (field "items[i].field", ErrorDetail.line = the item's `line`, or i + 1).
    std::vector<Risk> CreateMany(const Context& ctx, const std::vector<RiskInput>& items);
    Risk Update(const Context& ctx, const std::string& id, const RiskInput& in,
                std::optional<int64_t> expected_version = std::nullopt);
    // Re-runs the assessment of a risk at a later date (27001 8.2): records a new inherent score on the
    // current criteria even when the values are unchanged; earlier results are kept. A changed score ends the
    // current acceptance, and removes a planned residual score that now exceeds it (or was made on older
    // criteria); the answer names both.
    Reassessment Assess(const Context& ctx, const std::string& id, int likelihood, int consequence,
                        const std::string& note, std::optional<int64_t> expected_version = std::nullopt);
    // kNotFound for an unknown id (or one of another organisation).
    Risk Get(const Context& ctx, const std::string& id);
    std::optional<Risk> Find(const Context& ctx, const std::string& id);
    std::vector<Risk> List(const Context& ctx, const RiskFilter& filter = {});
    // Open risks whose review date (27001 8.2: assessments at planned intervals) is within the window, oldest
    // first, as items of the ISMS's due list (type "risk", state = the risk's status).
    std::vector<records::DueItem> ReviewsDue(const Context& ctx, const records::DueWindow& window);
    // Every assessment of a risk, oldest first.
    std::vector<Assessment> History(const Context& ctx, const std::string& id);
    // Every acceptance of a risk, oldest first (the last may be current).
    std::vector<Acceptance> Acceptances(const Context& ctx, const std::string& id);

    // Treatment (6.1.3, 8.3) -----------------------------------------------------------------------------
    Risk Treat(const Context& ctx, const std::string& id, const TreatmentInput& in,
               std::optional<int64_t> expected_version = std::nullopt);
    Risk Accept(const Context& ctx, const std::string& id, const AcceptanceInput& in,
                std::optional<int64_t> expected_version = std::nullopt);

    TreatmentAction AddAction(const Context& ctx, const std::string& risk_id, const ActionInput& in);
    TreatmentAction UpdateAction(const Context& ctx, const std::string& action_id, const ActionInput& in,
                                 std::optional<int64_t> expected_version = std::nullopt);
    TreatmentAction GetAction(const Context& ctx, const std::string& action_id);
    // Every action of the organisation (the risk treatment plan), by due date.
    std::vector<TreatmentAction> Actions(const Context& ctx);

    // Own controls ----------------------------------------------------------------------------------------
    OwnControl AddOwnControl(const Context& ctx, const std::string& title, const std::string& description);
    OwnControl EditOwnControl(const Context& ctx, const std::string& id, const std::optional<std::string>& title,
                              const std::optional<std::string>& description,
                              std::optional<int64_t> expected_version = std::nullopt);
    std::vector<OwnControl> OwnControls(const Context& ctx);

    // For the SoA: which open risks chose which Annex A control.
    ControlUsage AnnexAUsage(const Context& ctx);
    static ControlUsage AnnexAUsage(store::Db& db, const std::string& org_id);

    RiskCriteriaService& criteria() { return criteria_; }

private:
    struct Known;  // library and own-control ids, loaded once per transaction
    // Checks persons and assets against the records (before the transaction: other modules' reads).
    void CheckRecords(const Context& ctx, const std::vector<const Risk*>& risks, std::vector<ErrorDetail>& errs,
                      const std::vector<int>& lines);
    void Validate(const Risk& k, const Known& known, std::vector<ErrorDetail>& errs, const std::string& prefix);
    std::optional<Risk> Load(store::Db& db, const std::string& org_id, const std::string& id);
    Risk LoadOrThrow(store::Db& db, const std::string& org_id, const std::string& id);
    // Writes the row and links of `after` (inserting when `before` is null), derives its status, bumps its
    // version and logs the change.
    void Write(store::WriteTx& tx, const Risk* before, Risk& after);
    void AddAssessment(store::WriteTx& tx, const std::string& risk_id, const std::string& kind, const Score& s,
                       const std::string& note);
    std::vector<std::string> AnnexAIds(const Context& ctx);

    store::Store& store_;
    RiskCriteriaService& criteria_;
    RiskLibrary& library_;
    catalog::CatalogService& catalog_;
    RecordDirectory& records_;
};

// Everything of the ISMS whose review or expiry date has passed or falls within `within_days`: records of every
// type and open risks, oldest first (`isms record due`, GET /api/v1/records-due, the dashboard).
std::vector<records::DueItem> DueAcrossTheIsms(const Context& ctx, records::RecordService& records,
                                               RiskRegister& risks, int within_days, std::string today = {});

}  // namespace isms::risk
