// Management review (27001 9.3): the review's input pack, compiled from the store at the review's cut-off date
// (9.3.2), and its outputs as tracked entries of the continual-improvement register (9.3.3).
//
// Compile() reads the ISMS as it stood at the end of the cut-off date — records are rebuilt from the change log
// (records::RecordsAsOf), measurements dated up to the cut-off count — and compares it with the previous review's
// cut-off date (the latest other review with an earlier cut-off) for the "changes since" sections. The risk
// register, treatment plan and Statement of Applicability are taken as they stand when the pack is compiled
// (they keep their own history; the pack says so). The pack is stored (table review_packs, one row per
// compilation, with its SHA-256), so what top management saw stays fixed; compiling again adds a new
// compilation. An approved review's pack is final.
//
// The pack has one section per input the standard lists, in its order (ids a, b, c, d1–d4, e, f, g):
//   a   status of actions from previous management reviews (their outputs in the improvement register)
//   b   changes in external and internal issues (context_issue)
//   c   changes in needs and expectations of interested parties (interested_party, requirement)
//   d1  nonconformities and corrective actions        d2  monitoring and measurement results (metrics)
//   d3  audit results (audits and their findings)     d4  fulfilment of the objectives
//   e   feedback from interested parties (the review's own notes, complaints recorded as nonconformities)
//   f   results of risk assessment and status of the risk treatment plan (and the SoA)
//   g   opportunities for continual improvement (open improvements, observations and opportunities found by
//       audits)
// Each section: {id, topic, title, summary, columns, rows, marks, items}: a one-line summary, a table for people
// and the items as data.
//
// Errors: kInvalidInput naming cut_off for a future cut-off date (also when set through the record), kConflict
// for an approved review, kNotFound for unknown ids.
// Permissions: kRead to read packs; kRecordsWrite to compile and to record outputs. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"
#include "isms/evaluation/metrics.hpp"
#include "isms/io/report.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/register.hpp"
#include "isms/soa/statement.hpp"
#include "isms/store/store.hpp"

namespace isms::evaluation {

// The risk and SoA picture for section f.
struct RiskPicture {
    int risks = 0, assessed = 0, treated = 0, accepted = 0;
    std::vector<std::pair<std::string, int>> inherent_by_level, residual_by_level;  // level name → open risks
    int actions_open = 0, actions_done = 0;
    std::vector<risk::TreatmentAction> actions_overdue;
    int soa_version = 0;  // latest approved, 0 = none
    std::string soa_approved_at;
    int soa_applicable = 0, soa_implemented = 0, soa_undecided = 0, soa_open_items = 0;
};

// Everything a pack is compiled from (records as of the cut-off and, for the "changes" sections, as of the
// previous review's cut-off).
struct ReviewInputs {
    std::string review_id, review_title, organisation, meeting_date, cut_off, compiled_at, compiled_by;
    std::string previous_review_id, previous_cut_off;  // "" for the first review
    std::string interested_party_feedback;
    std::vector<records::Record> previous_outputs;  // improvements that earlier reviews decided
    std::vector<records::Record> issues, issues_before;
    std::vector<records::Record> parties, parties_before, requirements, requirements_before;
    std::vector<records::Record> nonconformities, corrective_actions;
    std::vector<records::Record> audits, findings;
    std::vector<records::Record> objectives;
    std::vector<records::Record> improvements;
    std::vector<MetricSummary> metrics;  // measurements up to the cut-off
    RiskPicture risk;
    std::map<std::string, std::string> names;  // person id → name
};

// The pack as data (pure: the same inputs give the same pack).
Json CompilePack(const ReviewInputs& in);
// The pack as a printable report (one heading per section, its summary and table; a chart per metric).
io::Report PackReport(const Json& pack);

struct ReviewPack {
    std::string review_id;
    int compilation = 0;
    std::string cut_off, compiled_at, compiled_by, sha256;
    Json pack;
    Json ToJson() const;  // the pack plus compilation, compiled_by, sha256
};

class ManagementReviewService {
public:
    ManagementReviewService(store::Store& store, records::RecordService& records, risk::RiskRegister& risks,
                            soa::StatementOfApplicability& soa)
        : store_(store), records_(records), risks_(risks), soa_(soa) {}

    // Every management review (not archived) with its newest compilation (0 = none) and number of outputs.
    struct ReviewOverview {
        records::Record review;
        int compilation = 0;
        std::string compiled_cut_off;
        int outputs = 0;
        Json ToJson() const;
    };
    std::vector<ReviewOverview> Reviews(const Context& ctx);

    // Compiles and stores the pack at the review's cut-off date; a `cut_off` given here is first stored on the
    // review (same rules as editing it).
    ReviewPack Compile(const Context& ctx, const std::string& review_id, const std::string& organisation,
                       const std::optional<std::string>& cut_off = std::nullopt);
    // The newest compilation (or the one asked for); kNotFound when none.
    ReviewPack Pack(const Context& ctx, const std::string& review_id, int compilation = 0);
    std::vector<ReviewPack> Compilations(const Context& ctx, const std::string& review_id);  // without packs

    // Records a decision of the review as an entry of the continual-improvement register (source
    // management_review, linked to the review). `fields`: title, description, kind, owner, due_date, …
    records::Record AddOutput(const Context& ctx, const std::string& review_id, Json fields);
    std::vector<records::Record> Outputs(const Context& ctx, const std::string& review_id);

private:
    RiskPicture Risk(const Context& ctx);

    store::Store& store_;
    records::RecordService& records_;
    risk::RiskRegister& risks_;
    soa::StatementOfApplicability& soa_;
};

}  // namespace isms::evaluation
