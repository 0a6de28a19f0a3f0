// Certification readiness: the gap analysis of an ISMS against ISO/IEC 27001:2022 clauses 4–10 and Annex A.
//
//   Gather(ctx)   → ReadinessFacts  (what the store holds: records, risks, treatment, SoA, measurements, packs)
//   Evaluate(facts) → Readiness      (pure: one item per expectation, grouped by clause, with scores)
//
// Expectations are of two kinds. Mandatory documented information: every clause for which the reference data
// (data/iso27001-2022/clauses.csv) lists documented information has at least one mandatory item carrying that
// text (a unit test holds the rules to the file). Process evidence: records that show a process runs (issues
// reviewed, roles held, awareness run, metrics measured, audits done, …). Each item is
//   met      the evidence exists and is current,
//   partial  some of it exists (a draft, some roles unheld, part of the controls implemented),
//   stale    it exists but is out of date (overdue reviews, expired evidence, an old assessment, overdue actions),
//   missing  nothing was found,
// with what was found (record ids), what is missing or stale, and a hint in our own words of what good looks
// like. Scores: met 1, partial and stale ½, missing 0; a clause's score is the mean of its items (percent),
// the overall score the mean of all items. `ok` is false when any mandatory item is missing — `isms readiness`
// then exits 1.
//
// Permissions: kRead. Thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"
#include "isms/evaluation/clauses.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/register.hpp"
#include "isms/soa/statement.hpp"
#include "isms/store/store.hpp"

namespace isms::evaluation {

struct ReadinessFacts {
    std::string today;  // YYYY-MM-DD
    std::vector<Clause> clauses;
    std::map<std::string, std::vector<records::Record>> records;  // by type; archived ones left out
    // Risk assessment and treatment.
    bool criteria_stored = false;   // the organisation's risk criteria are stored (set, or used to score)
    std::vector<risk::Risk> risks;  // open risks
    std::string latest_assessment;  // date of the newest assessment of an open risk ("" = none)
    std::vector<risk::TreatmentAction> actions;
    // Statement of Applicability.
    int soa_version = 0;
    std::string soa_approved_at;
    int soa_changes_since_approval = 0;
    int soa_open_items = 0;
    std::vector<soa::Entry> soa;
    // Evaluation.
    std::string latest_measurement;              // date
    std::set<std::string> reviews_with_pack;     // management reviews with compiled inputs
    std::map<std::string, int> checklist_answered;  // audit → answered checklist items
};

struct ReadinessItem {
    std::string clause;       // "4.3", "9.2.2", "A"
    std::string expectation;  // what is expected, in our words
    bool mandatory = false;   // documented information the clause requires
    std::string documented_information;  // the reference data's text, for mandatory items
    std::string status;       // met, partial, stale, missing
    std::string found;        // what exists
    std::string gap;          // what is missing or stale ("" when met)
    std::vector<std::string> refs;  // record ids and other references
    Json ToJson() const;
};

struct ClauseReadiness {
    std::string id;  // "4" … "10", "A"
    std::string title;
    std::string hint;  // what good looks like
    std::vector<ReadinessItem> items;
    int score = 0;  // percent
    Json ToJson() const;
};

struct Readiness {
    std::string today;
    std::vector<ClauseReadiness> clauses;
    int score = 0;
    int items = 0, met = 0, partial = 0, stale = 0, missing = 0;
    int mandatory_missing = 0;
    bool ok() const { return mandatory_missing == 0; }
    Json ToJson() const;
};

Readiness Evaluate(const ReadinessFacts& facts);

class ReadinessService {
public:
    ReadinessService(store::Store& store, risk::RiskRegister& risks, soa::StatementOfApplicability& soa)
        : store_(store), risks_(risks), soa_(soa) {}

    ReadinessFacts Gather(const Context& ctx);
    Readiness Assess(const Context& ctx) { return Evaluate(Gather(ctx)); }

private:
    store::Store& store_;
    risk::RiskRegister& risks_;
    soa::StatementOfApplicability& soa_;
};

}  // namespace isms::evaluation
