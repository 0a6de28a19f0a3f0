// The risk register's values: a risk (27001 6.1.2 c–e), its assessments over time (8.2), its treatment
// (6.1.3, 8.3) with the plan's actions, and the formal acceptance of the residual risk by its owner
// (6.1.3 f). Plain data with JSON forms; the rules live in RiskRegister (register.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/json.hpp"

namespace isms::risk {

// ISO/IEC 27005 identification approaches.
enum class Approach {
    kAssetBased,  // asset(s) + threat(s) + vulnerability(ies)
    kEventBased,  // a risk scenario (an event and its consequences), assets optional
};
std::string_view ApproachName(Approach a);  // "asset", "scenario"
std::optional<Approach> ParseApproach(std::string_view s);

enum class TreatmentOption { kModify, kRetain, kAvoid, kShare };
std::string_view OptionName(TreatmentOption o);  // "modify", "retain", "avoid", "share"
std::optional<TreatmentOption> ParseOption(std::string_view s);
std::vector<std::string> OptionNames();

// Where a risk stands; derived from its content on every change (never typed), except `closed`.
//   identified → assessed → treatment_planned → treated → accepted;  closed when the risk no longer applies.
std::vector<std::string> RiskStatusNames();

// Treatment-plan action status.
std::vector<std::string> ActionStatusNames();  // open, in_progress, done, cancelled

// Which security properties an event would harm.
struct Cia {
    bool confidentiality = false, integrity = false, availability = false;
    std::string ToString() const;  // "CIA", "C-A", … ("" when none)
    std::vector<std::string> ToList() const;  // {"C", "A"}
    // Accepts "CIA", "C,I", ["C","A"], "confidentiality"…; throws kInvalidInput for anything else.
    static Cia Parse(std::string_view s);
    static Cia FromList(const std::vector<std::string>& v);
    bool Any() const { return confidentiality || integrity || availability; }
    bool operator==(const Cia&) const = default;
};

// A score on one version of the organisation's risk criteria.
struct Score {
    int likelihood = 0;
    int consequence = 0;
    int criteria_version = 0;
    std::string level;  // level id on that version ("high")
    Json ToJson() const;
};

struct Treatment {
    TreatmentOption option = TreatmentOption::kModify;
    std::vector<std::string> controls;      // Annex A ids ("8.5")
    std::vector<std::string> own_controls;  // the organisation's own controls ("OC-2")
    std::string plan;                       // how the chosen controls will be put in place
    std::optional<Score> residual;          // planned residual risk
    std::string decided_at, decided_by;
    Json ToJson() const;
};

struct Acceptance {
    std::string id;         // "RA-4"
    std::string risk_id;
    std::string person_id;  // who accepted (the risk owner's person record)
    std::string recorded_by;  // the account that recorded it (change-log actor)
    std::string at;
    std::string comment;
    Score residual;           // the residual score accepted
    std::string authority;    // "risk_owner" or "top_management": what the criteria required
    bool current = false;     // false once the risk's treatment or scores changed after it
    Json ToJson() const;
};

struct Assessment {
    int64_t seq = 0;        // 1, 2, … per risk
    std::string kind;       // "inherent" or "residual"
    std::string at;
    std::string actor;
    Score score;
    std::string note;
    Json ToJson() const;
};

struct TreatmentAction {
    std::string id;  // "A-7"
    std::string risk_id;
    std::string title;
    std::string owner;     // person record id
    std::string due_date;  // YYYY-MM-DD
    std::string status;    // open, in_progress, done, cancelled
    std::string control;   // the Annex A or own control it implements ("" = none in particular)
    std::string notes;
    std::string completed_on;  // set when status becomes done
    std::string created_at, updated_at;
    int64_t row_version = 0;
    bool Overdue(std::string_view today) const;
    Json ToJson() const;
};

struct Risk {
    std::string id;  // "R-12"
    int64_t number = 0;
    std::string title;
    std::string description;
    Approach approach = Approach::kAssetBased;
    std::string scenario;  // event-based: the event and its consequences
    std::vector<std::string> assets, threats, vulnerabilities;
    std::string owner;  // person record id
    Cia cia;
    std::string existing_controls;  // what is already in place, in words
    std::string review_date;        // YYYY-MM-DD ("" = none)
    std::string status;
    bool closed = false;
    std::optional<Score> inherent;
    std::optional<Treatment> treatment;
    std::optional<Acceptance> acceptance;  // the current acceptance
    std::vector<TreatmentAction> actions;  // filled by Get/List
    std::string created_at, created_by, updated_at;
    int64_t row_version = 0;

    // The residual score when treated, else the inherent one (what the heat map and acceptance use).
    const std::optional<Score>& Current() const { return treatment && treatment->residual ? treatment->residual : inherent; }
    Json ToJson() const;
};

}  // namespace isms::risk
