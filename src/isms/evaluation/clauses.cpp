#include "isms/evaluation/clauses.hpp"

#include <algorithm>
#include <set>

namespace isms::evaluation {

namespace {

struct Words {
    std::string_view id;
    std::string_view question;  // checklist question (leaf clauses)
    std::string_view practice;  // what good evidence looks like
};

// Our own words throughout.
constexpr Words kWords[] = {
    {"4", "", "A written view of the organisation's situation, who has a stake in its information security and "
              "what they require, a scope that follows from both, and ISMS processes with owners."},
    {"4.1", "Which internal and external issues affect the ISMS, how were they identified, and when were they last "
            "reviewed?",
     "Issues recorded with their effect on the ISMS, origin and owner, reviewed at least yearly and when the "
     "business changes."},
    {"4.2", "Who are the relevant interested parties, what do they require, and which of their requirements does "
            "the ISMS address?",
     "Parties and their requirements (legal, regulatory, contractual) listed, with a decision on each "
     "requirement and the controls that meet it."},
    {"4.3", "Is the scope documented with its boundaries, interfaces and dependencies, and does it follow from "
            "the issues and requirements?",
     "An approved scope statement naming units, locations, services, interfaces, dependencies and any "
     "exclusions with their reasons."},
    {"4.4", "Are the ISMS processes and their interactions defined, owned and running?",
     "Every ISMS process (risk, SoA, audit, review, improvement, documents, …) has an accountable and a "
     "responsible role."},
    {"5", "", "The organisation's top management visibly directs the ISMS: it approves the policy, assigns roles and authorities, "
              "provides resources and reviews results."},
    {"5.1", "How does top management show leadership of the ISMS (resources, objectives, reviews, decisions)?",
     "Named top-management roles that approve the policy and the risk acceptance and chair management reviews."},
    {"5.2", "Is the information security policy approved, communicated, available and reviewed?",
     "An approved, published policy with a review date, acknowledged by staff."},
    {"5.3", "Are ISMS roles, responsibilities and authorities assigned and communicated?",
     "Approved roles with responsibilities and authorities, each held by at least one person."},
    {"6", "", "A repeatable risk method with criteria, assessed and treated risks, a justified Statement of "
              "Applicability, measurable objectives and changes made in a planned way."},
    {"6.1.1", "How were risks and opportunities to the ISMS's intended outcomes determined and addressed?",
     "Risks and opportunities to the ISMS itself considered and acted on, not only information risks."},
    {"6.1.2", "Is the risk assessment process defined (criteria, acceptance, method) and does it give consistent, "
              "comparable results?",
     "A documented method with risk criteria and acceptance criteria, owners for every risk, and results that can "
     "be repeated."},
    {"6.1.3", "Do risk treatment decisions lead to controls, is every Annex A control decided in the SoA with a "
              "justification, and did risk owners approve the plan and residual risk?",
     "A documented treatment process, a treatment plan approved by risk owners, and an approved SoA where every "
     "control is decided and justified."},
    {"6.2", "Are the objectives measurable, consistent with the policy, planned (who, what, when, how evaluated) "
            "and monitored?",
     "Objectives with targets, owners, due dates and the metrics that evaluate them, reviewed on schedule."},
    {"6.3", "Are changes to the ISMS planned and carried out in a controlled way?",
     "Planned changes recorded with purpose, consequences, resources and responsible persons."},
    {"7", "", "Resources provided, competent and aware people, planned communication, and documents that are "
              "identified, approved, available and controlled."},
    {"7.1", "Are the resources the ISMS needs determined and provided?",
     "People, budget and tools for the ISMS recorded and approved."},
    {"7.2", "Are competence needs defined for ISMS roles, and is there evidence that people meet them?",
     "Competence requirements per role and verified, unexpired evidence for the people in those roles."},
    {"7.3", "Do people know the policy, their contribution and the consequences of not conforming?",
     "Awareness activities run for everyone, with completion recorded."},
    {"7.4", "Is it decided what is communicated, when, to whom, how and by whom?",
     "A communication plan in use, internal and external."},
    {"7.5", "", "Documented information has owners, versions, approvals and review dates; changes go through "
                "approval; the current version is available where needed."},
    {"7.5.1", "Does the ISMS hold the documented information the standard requires and what the organisation "
              "decided it needs?",
     "A document register with every required document approved and in date."},
    {"7.5.2", "Are documents identified, in a suitable format, reviewed and approved before use?",
     "Identifiers, owners, approvers and approval dates on every controlled document."},
    {"7.5.3", "Is documented information available, protected, and are changes and retention controlled?",
     "Released revisions kept readable, changes approved, access and retention decided."},
    {"8", "", "Operational evidence that the planned processes ran: risk assessments at intervals, the "
              "treatment plan carried out, changes and outsourced processes controlled."},
    {"8.1", "Are ISMS processes planned, controlled and evidenced, including changes and outsourced processes?",
     "Records that the processes ran as planned: completed actions, reviewed suppliers, controlled changes."},
    {"8.2", "Are risk assessments performed at planned intervals and on significant change, with results kept?",
     "Assessment results dated within the last year and after major changes."},
    {"8.3", "Is the risk treatment plan implemented, with results kept?",
     "Treatment actions progressing to plan, completed ones recorded, residual risks accepted."},
    {"9", "", "Metrics measured and analysed on schedule, a running audit programme with reports, and "
              "management reviews whose decisions are tracked."},
    {"9.1", "What is monitored and measured, how, when, by whom, and how are results analysed and evaluated?",
     "Metrics with methods, frequencies and targets, measured on time, analysed and reported."},
    {"9.2.1", "Are internal audits conducted at planned intervals against the standard and the organisation's own "
              "requirements?",
     "Audits that cover the whole ISMS over the programme period, with reports."},
    {"9.2.2", "Is there an audit programme (frequency, methods, responsibilities, reporting), are auditors "
              "objective, and are results reported?",
     "An approved programme, independent auditors, audit reports and results reported to management."},
    {"9.3.1", "Does top management review the ISMS at planned intervals?",
     "Reviews held at least yearly with minutes approved by top management."},
    {"9.3.2", "Did the review consider every required input (previous actions, changes, performance, feedback, "
              "risk, improvement)?",
     "A review pack with a section for each input, compiled at a stated cut-off date."},
    {"9.3.3", "Are the review's decisions on improvement and changes recorded and followed up?",
     "Decisions recorded as tracked actions with owners and due dates."},
    {"10", "", "Nonconformities corrected and their causes removed, corrective actions checked for effectiveness, "
               "and a register of improvements that is used."},
    {"10.1", "How is the ISMS continually improved (suitability, adequacy, effectiveness)?",
     "An improvement register fed by reviews, audits, incidents and monitoring, with completed entries."},
    {"10.2", "Are nonconformities corrected, their causes analysed, corrective actions taken and their "
             "effectiveness reviewed?",
     "Every nonconformity with correction, root cause, corrective actions and an effectiveness check before "
     "closure."},
    {"A", "", "Every Annex A control decided in the SoA, the applicable ones implemented with evidence."},
};

const Words* Find(std::string_view id) {
    for (const auto& w : kWords)
        if (w.id == id) return &w;
    return nullptr;
}

bool Under(std::string_view child, std::string_view parent) {
    return child.size() > parent.size() && child.substr(0, parent.size()) == parent && child[parent.size()] == '.';
}

}  // namespace

std::vector<Clause> LoadClauses(store::Db& db) {
    std::vector<Clause> out;
    for (const auto& r : db.Query("SELECT id, title, documented_information, position FROM clauses ORDER BY position"))
        out.push_back({r.Str(0), r.Str(1), r.Str(2), static_cast<int>(r.Int(3))});
    return out;
}

std::vector<Clause> ExpandClauses(const std::vector<Clause>& all, const std::vector<std::string>& ids,
                                  std::vector<std::string>* unknown) {
    std::set<std::string> wanted;
    for (const auto& raw : ids) {
        std::string id = raw;
        if (id.size() > 7 && id.substr(0, 7) == "clause ") id = id.substr(7);
        auto it = std::find_if(all.begin(), all.end(), [&](const Clause& c) { return c.id == id; });
        if (it == all.end()) {
            if (unknown) unknown->push_back(raw);
            continue;
        }
        for (const auto& c : all) {
            if (c.id != id && !Under(c.id, id)) continue;
            bool leaf = std::none_of(all.begin(), all.end(), [&](const Clause& d) { return Under(d.id, c.id); });
            if (leaf) wanted.insert(c.id);
        }
    }
    std::vector<Clause> out;
    for (const auto& c : all)
        if (wanted.count(c.id)) out.push_back(c);
    return out;
}

std::vector<std::string> ProcessesOfClause(std::string_view clause_id) {
    // Our own mapping of each leaf clause to the ISMS processes of the roles' RACI (role.yaml) that carry it out.
    // 4.4 (the ISMS as a whole) and 6.1.1 (planning in general) name the processes of their subclauses' kind.
    static const std::vector<std::pair<std::string_view, std::vector<std::string>>> kMap = {
        {"4.1", {"context"}},
        {"4.2", {"interested_parties"}},
        {"4.3", {"scope"}},
        {"4.4", {"context", "leadership"}},
        {"5.1", {"leadership"}},
        {"5.2", {"policy"}},
        {"5.3", {"roles"}},
        {"6.1.1", {"risk_assessment", "risk_treatment"}},
        {"6.1.2", {"risk_assessment"}},
        {"6.1.3", {"risk_treatment", "statement_of_applicability"}},
        {"6.2", {"objectives"}},
        {"6.3", {"change_planning"}},
        {"7.1", {"resources"}},
        {"7.2", {"competence"}},
        {"7.3", {"awareness"}},
        {"7.4", {"communication"}},
        {"7.5", {"documented_information"}},
        {"8.1", {"operations"}},
        {"8.2", {"risk_assessment"}},
        {"8.3", {"risk_treatment"}},
        {"9.1", {"monitoring_measurement"}},
        {"9.2", {"internal_audit"}},
        {"9.3", {"management_review"}},
        {"10.1", {"improvement"}},
        {"10.2", {"improvement"}},
    };
    // The entry of the clause or of the nearest clause above it (7.5.1 → 7.5).
    for (std::string_view id = clause_id; !id.empty();) {
        for (const auto& [clause, processes] : kMap)
            if (clause == id) return processes;
        auto dot = id.rfind('.');
        if (dot == std::string_view::npos) break;
        id = id.substr(0, dot);
    }
    return {};
}

std::string_view AuditQuestion(std::string_view clause_id) {
    const Words* w = Find(clause_id);
    return w ? w->question : std::string_view();
}

std::string_view GoodPractice(std::string_view clause_id) {
    const Words* w = Find(clause_id);
    return w ? w->practice : std::string_view();
}

}  // namespace isms::evaluation
