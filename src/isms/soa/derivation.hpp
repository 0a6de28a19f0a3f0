// The Statement of Applicability as a pure function of its inputs (27001 6.1.3 c, d):
//
//   Derive(controls, decisions, risk usage, requirements) → one Entry per Annex A control
//   Check(entries)                                        → the open items of the "none overlooked" comparison
//   Diff(a, b)                                            → what changed between two statements
//
// Nothing here touches the store, so the rules can be read, tested and benchmarked on their own; the
// service (statement.hpp) feeds it and keeps approved versions.
//
// Derivation rules (an explicit decision always wins):
//   applicability  decision "applicable"/"not_applicable" when made; otherwise "applicable" when an open
//                  risk's treatment chose the control or a requirement record names it (decided_by "derived");
//                  otherwise "undecided".
//   justification  for inclusion: the risks that chose it, the requirements that name it, the business
//                  need people wrote; for exclusion: the reason people wrote (required for "not_applicable").
//   status         "not_applicable" for excluded controls; else the status people set; else "planned" when a
//                  risk treatment chose it, "not_started" otherwise; "" while undecided.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/register.hpp"

namespace isms::soa {

// Implementation status values, in order (27001 6.1.3 d asks for the implementation status).
std::vector<std::string> StatusNames();  // not_started, planned, partial, implemented, not_applicable
std::vector<std::string> ApplicabilityNames();  // applicable, not_applicable, undecided

// What people decided for one control (stored per organisation and control).
struct Decision {
    std::string control_id;
    std::string applicability = "undecided";  // applicable, not_applicable, undecided
    std::string inclusion_reason;  // business need or other reason for inclusion, in people's words
    std::string exclusion_reason;  // why the control does not apply (required when not_applicable)
    std::string status;            // implementation status set by people ("" = derive)
    std::string notes;             // how it is implemented
    std::vector<std::string> evidence;  // links to evidence: URLs or record ids ("DOC-4")
    std::string owner;             // person record id
    std::string updated_at, updated_by;
    int64_t row_version = 0;  // 0 = nothing stored yet
};

struct RequirementRef {
    std::string type, id, title, basis;
    Json ToJson() const;
    bool operator==(const RequirementRef&) const = default;
};

// One row of the statement.
struct Entry {
    std::string control_id, title, theme;
    std::map<std::string, std::vector<std::string>> attributes;
    std::string applicability;  // applicable, not_applicable, undecided
    std::string decided_by;     // "decision", "derived" or "" (undecided)
    std::vector<std::string> risks;             // open risks whose treatment chose the control
    std::vector<RequirementRef> requirements;   // requirement records naming the control
    std::string business_need;                  // the decision's inclusion reason
    std::string exclusion_reason;
    std::string status;
    std::string notes;
    std::vector<std::string> evidence;
    std::string owner;
    int64_t version = 0;  // the decision's version (ETag for edits); 0 = no decision stored

    bool Justified() const { return !risks.empty() || !requirements.empty() || !business_need.empty(); }
    Json ToJson() const;
    static Entry FromJson(const Json& j);
};

struct Inputs {
    std::vector<risk::AnnexAControl> controls;
    std::map<std::string, Decision> decisions;  // by control id
    risk::ControlUsage usage;                   // control id → risk ids
    std::vector<risk::ControlRequirement> requirements;
};

std::vector<Entry> Derive(const Inputs& in);

// One open item of `soa check`.
struct CheckItem {
    std::string kind;  // no_decision, chosen_but_excluded, required_but_excluded, unjustified
    std::string control_id;
    std::string title;
    std::string message;            // what is open and how to close it
    std::vector<std::string> refs;  // the risks or requirement ids involved
    Json ToJson() const;
};
std::vector<std::string> CheckKindNames();
std::vector<CheckItem> Check(const std::vector<Entry>& entries);

// One difference between two statements.
struct Change {
    std::string control_id;
    std::string title;
    std::string field;  // applicability, status, risks, requirements, business_need, exclusion_reason, owner,
                        // notes, evidence, added, removed
    Json before, after;
    Json ToJson() const;
};
// Differences from `a` to `b`, in control order; each field compared as shown to people (lists as sets in
// their order).
std::vector<Change> Diff(const std::vector<Entry>& a, const std::vector<Entry>& b);

}  // namespace isms::soa
