// The rules of the evaluation and improvement record types that fields and workflows cannot state. They are
// attached to the record registry (records::TypeRegistry::AddRule), so the record engine runs them on every
// write, whichever way it comes (API, CLI, import, the evaluation services). Each broken rule is an
// ErrorDetail naming the field; the write is refused as a whole.
//
//   metric             last_measured, latest_value and status are set from measurements only; min_value ≤
//                      max_value; target within the allowed range; the warning threshold lies on the losing side
//                      of the target (below it for higher_is_better, above for lower_is_better).
//   audit              planned and actual periods end after they start; actual dates not in the future; clauses
//                      are clause ids of ISO/IEC 27001 4–10; auditor independence (27001 9.2.2): no auditor
//                      (lead or team) may be an auditee, hold an ISMS role responsible or accountable for a
//                      process in scope (listed, or carrying out a clause in scope: ProcessesOfClause), or own a
//                      control in scope in the Statement of Applicability.
//   audit_finding      names a clause or a control; the clause exists; raised while its audit is in progress or
//                      reporting; a nonconformity finding closes only when a nonconformity record refers to it
//                      and is closed.
//   nonconformity      the clause exists; a finding it refers to is a nonconformity finding of the same severity;
//                      detected_on and closed_on not in the future; closing needs every corrective action closed
//                      or cancelled and at least one closed with the result "effective" — or, without corrective
//                      actions, the reason none is needed.
//   corrective_action  its nonconformity is not closed (when the action is added or reopened); closing needs an
//                      effectiveness check with the result "effective", checked on or after implementation and
//                      not in the future.
//   management_review  the cut-off date is not in the future and not after the meeting; recording it as held needs
//                      inputs compiled at its cut-off date.
//   improvement        a management-review source names the review; completed_on not in the future.
#pragma once

#include <string>
#include <vector>

#include "isms/records/schema.hpp"
#include "isms/records/service.hpp"
#include "isms/store/store.hpp"

namespace isms::evaluation {

void AddEvaluationRules(records::TypeRegistry& types);

// The independence check of one audit (27001 9.2.2: auditors are objective and impartial).
struct IndependenceConflict {
    std::string person;  // person record id
    std::string field;   // lead_auditor or auditors
    std::string reason;  // in words, naming the role, process or control
};
struct IndependenceCheck {
    std::vector<std::string> auditors;  // lead first
    std::vector<IndependenceConflict> conflicts;
    bool ok() const { return conflicts.empty(); }
    Json ToJson() const;
};
IndependenceCheck CheckIndependence(store::Db& db, const std::string& org_id, const records::Record& audit);

// The same lists the role RACI uses: the processes an audit can look at.
std::vector<std::string> NonconformityFindingKinds();  // major_nonconformity, minor_nonconformity

}  // namespace isms::evaluation
