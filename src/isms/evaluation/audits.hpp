// Internal audit (27001 9.2): the checklist of an audit, its independence check, its report (printable HTML and
// PDF) and its OSCAL assessment plan and results; and the plan of action and milestones (POA&M) of open
// corrective and treatment actions.
//
// Audits, programmes and findings are records (types audit_programme, audit, audit_finding; the rules in
// rules.hpp run on every change). This service adds what is more than fields:
//
// Checklist. Generate() builds one item per clause in scope (a clause brings its subclauses; the question is in
// our own words, with the documented information the clause requires as expected evidence) and per Annex A
// control in scope that the Statement of Applicability marks applicable (with its implementation status,
// notes and evidence links as expected evidence); controls in scope that are not applicable are skipped and
// reported. Generating again keeps every item already answered or edited, adds what the scope gained and
// drops unanswered items the scope lost. Items are edited one by one (question, result, evidence, notes,
// finding) with optimistic concurrency (`version`), and custom items may be added. An audit that is completed
// or cancelled keeps its checklist as it was (kConflict on edits).
//
// Permissions: kRead to read; kAuditWrite to generate and edit checklists. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"
#include "isms/evaluation/rules.hpp"
#include "isms/io/report.hpp"
#include "isms/oscal/exports.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/register.hpp"
#include "isms/soa/statement.hpp"
#include "isms/store/store.hpp"

namespace isms::evaluation {

struct ChecklistItem {
    std::string id;        // "Q1", "Q2", …
    int position = 0;
    std::string ref_kind;  // clause, control, custom
    std::string ref;       // "9.2.2", "8.15", ""
    std::string title;
    std::string question;
    std::string expected_evidence;
    std::string result = "not_checked";  // not_checked, conforming, nonconforming, observation, not_applicable
    std::string evidence, notes;
    std::string finding;  // audit_finding id
    int64_t version = 1;
    std::string updated_at, updated_by;
    bool Answered() const { return result != "not_checked" || !evidence.empty() || !notes.empty() || !finding.empty(); }
    Json ToJson() const;
};
std::vector<std::string> ChecklistResults();

struct ChecklistGeneration {
    std::vector<ChecklistItem> items;
    int added = 0, removed = 0, kept = 0;
    std::vector<std::string> skipped_controls;  // in scope but not applicable in the SoA
    Json ToJson() const;
};

// Fields of an item edit; unset = keep.
struct ChecklistEdit {
    std::optional<std::string> question, result, evidence, notes, finding, title;
    static ChecklistEdit FromJson(const Json& j);
};

class AuditService {
public:
    AuditService(store::Store& store, records::RecordService& records, soa::StatementOfApplicability& soa,
                 risk::RiskRegister& risks)
        : store_(store), records_(records), soa_(soa), risks_(risks) {}

    // Every audit (not archived) with its progress: checklist items answered of total, findings by kind, whether
    // its auditors are independent.
    struct AuditOverview {
        records::Record audit;
        int checklist_items = 0, checklist_answered = 0;
        std::map<std::string, int> findings;  // kind → count
        bool independent = true;
        Json ToJson() const;
    };
    std::vector<AuditOverview> Audits(const Context& ctx);

    ChecklistGeneration Generate(const Context& ctx, const std::string& audit_id);
    std::vector<ChecklistItem> Checklist(const Context& ctx, const std::string& audit_id);
    ChecklistItem EditItem(const Context& ctx, const std::string& audit_id, const std::string& item_id,
                           const ChecklistEdit& edit, std::optional<int64_t> expected_version = std::nullopt);
    // A custom item (ref_kind "custom" unless `ref` names a clause or control).
    ChecklistItem AddItem(const Context& ctx, const std::string& audit_id, const std::string& title,
                          const std::string& question, const std::string& ref = "");

    IndependenceCheck Independence(const Context& ctx, const std::string& audit_id);

    // Records a nonconformity finding as a nonconformity (27001 10.2) referring to it: title, severity, clause,
    // control, description and detection date come from the finding; `fields` add the rest (owner, due_date,
    // …) and may override them. kInvalidInput when the finding is an observation or an opportunity; kConflict
    // when a nonconformity already refers to it. Needs kRecordsWrite.
    records::Record RaiseNonconformity(const Context& ctx, const std::string& finding_id, Json fields);

    // The audit report: scope, team, independence, checklist, findings with their nonconformities and corrective
    // actions, conclusion. `organisation`: the name shown.
    io::Report Report(const Context& ctx, const std::string& audit_id, const std::string& organisation);

    // OSCAL inputs (isms/oscal/exports.hpp): the audit's controls and findings; the open corrective actions
    // (27001 10.2) as POA&M items of kind "corrective", each naming its nonconformity, finding and control —
    // the composition root adds them to the one POA&M (oscal::RecordExports::AddPoamActions).
    oscal::AuditExport OscalAudit(const Context& ctx, const std::string& audit_id, const std::string& organisation);
    std::vector<oscal::PlannedAction> PoamCorrectiveActions(const Context& ctx);

private:
    records::Record Audit(const Context& ctx, const std::string& audit_id);

    store::Store& store_;
    records::RecordService& records_;
    soa::StatementOfApplicability& soa_;
    risk::RiskRegister& risks_;
};

}  // namespace isms::evaluation
