#include "isms/evaluation/readiness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "isms/core/time.hpp"
#include "isms/evaluation/fields.hpp"
#include "isms/records/values.hpp"

namespace isms::evaluation {

using namespace fields;

using records::Record;
using store::V;

namespace {

// At most `max` items, then "and N more".
std::string Abbreviated(const std::vector<std::string>& v, size_t max = 8) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < max; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > max) s += fmt::format(" and {} more", v.size() - max);
    return s;
}

std::string DaysBefore(const std::string& today, int days) {
    auto d = time::ParseDate(today);
    return d ? time::FormatDate(*d - std::chrono::days{days}) : today;
}

class Rules {
public:
    explicit Rules(const ReadinessFacts& f) : f_(f) {}

    const std::vector<Record>& Of(const std::string& type) const {
        static const std::vector<Record> kNone;
        auto it = f_.records.find(type);
        return it == f_.records.end() ? kNone : it->second;
    }
    std::vector<const Record*> In(const std::string& type, std::initializer_list<const char*> states) const {
        std::vector<const Record*> out;
        for (const auto& r : Of(type))
            if (std::any_of(states.begin(), states.end(), [&](const char* s) { return r.state == s; }))
                out.push_back(&r);
        return out;
    }
    bool Overdue(const Record& r) const { return r.next_review && *r.next_review < f_.today; }
    static std::vector<std::string> Ids(const std::vector<const Record*>& v) {
        std::vector<std::string> out;
        for (const auto* r : v) out.push_back(r->id);
        return out;
    }
    std::vector<const Record*> OverdueOf(const std::vector<const Record*>& v) const {
        std::vector<const Record*> out;
        for (const auto* r : v)
            if (Overdue(*r)) out.push_back(r);
        return out;
    }
    // Approved or published documents that serve a clause.
    std::vector<const Record*> DocumentsFor(const std::string& clause) const {
        std::vector<const Record*> out;
        for (const auto* d : In("document", {"approved", "published"})) {
            auto cl = List(d->data, "clauses");
            if (std::find(cl.begin(), cl.end(), clause) != cl.end()) out.push_back(d);
        }
        return out;
    }

    ReadinessItem Item(std::string clause, std::string expectation, bool mandatory = false) const {
        ReadinessItem i;
        i.clause = std::move(clause);
        i.expectation = std::move(expectation);
        i.mandatory = mandatory;
        if (mandatory)
            for (const auto& c : f_.clauses)
                if (c.id == i.clause) i.documented_information = c.documented_information;
        return i;
    }
    static void Set(ReadinessItem& i, const char* status, std::string found, std::string gap = "",
                    std::vector<std::string> refs = {}) {
        i.status = status;
        i.found = std::move(found);
        i.gap = std::move(gap);
        i.refs = std::move(refs);
    }

    // A register that should hold current records (in `live` states), reviewed on time.
    ReadinessItem Register(const std::string& clause, const std::string& expectation, const std::string& type,
                           std::initializer_list<const char*> live, const std::string& what, bool mandatory = false) {
        ReadinessItem i = Item(clause, expectation, mandatory);
        auto current = In(type, live);
        auto late = OverdueOf(current);
        if (current.empty()) {
            Set(i, "missing", fmt::format("no {}", what), fmt::format("record {}", what));
        } else if (!late.empty()) {
            Set(i, "stale", fmt::format("{} {}", current.size(), what),
                fmt::format("review overdue: {}", Abbreviated(Ids(late))), Ids(current));
        } else {
            Set(i, "met", fmt::format("{} {}", current.size(), what), "", Ids(current));
        }
        return i;
    }

    ClauseReadiness Clause4() {
        ClauseReadiness c{"4"};
        {
            ReadinessItem i = Register("4.1", "Internal and external issues are recorded and reviewed", "context_issue",
                                       {"active"}, "active issues");
            bool internal = false, external = false;
            for (const auto* r : In("context_issue", {"active"})) {
                internal |= Text(r->data, "origin") == "internal";
                external |= Text(r->data, "origin") == "external";
            }
            if (i.status == "met" && !(internal && external)) {
                i.status = "partial";
                i.gap = internal ? "no external issue recorded" : "no internal issue recorded";
            }
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("4.2", "Interested parties and their requirements are recorded, with a decision on "
                                          "each requirement");
            auto parties = In("interested_party", {"relevant"});
            auto reqs = In("requirement", {"identified", "accepted", "rejected"});
            auto legal = In("legal_requirement", {"identified", "applicable", "not_applicable"});
            auto undecided = In("requirement", {"identified"});
            std::vector<std::string> refs = Ids(parties);
            std::string found = fmt::format("{} relevant parties, {} requirements, {} legal or contractual obligations",
                                            parties.size(), reqs.size(), legal.size());
            if (parties.empty())
                Set(i, "missing", found, "record the interested parties");
            else if (reqs.empty() && legal.empty())
                Set(i, "partial", found, "record their requirements", refs);
            else if (!undecided.empty())
                Set(i, "partial", found, fmt::format("no decision yet on {}", Abbreviated(Ids(undecided))), refs);
            else
                Set(i, "met", found, "", refs);
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("4.3", "An approved scope statement", true);
            auto approved = In("scope_statement", {"approved"});
            auto drafts = In("scope_statement", {"draft", "in_review"});
            auto late = OverdueOf(approved);
            if (!approved.empty() && late.empty())
                Set(i, "met", "approved scope " + Abbreviated(Ids(approved)), "", Ids(approved));
            else if (!approved.empty())
                Set(i, "stale", "approved scope " + Abbreviated(Ids(approved)), "review overdue", Ids(approved));
            else if (!drafts.empty())
                Set(i, "partial", "scope in draft: " + Abbreviated(Ids(drafts)), "approve the scope statement", Ids(drafts));
            else
                Set(i, "missing", "no scope statement", "write and approve the scope statement");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("4.4", "Every core ISMS process has a responsible or accountable role");
            static const char* kCore[] = {"context", "risk_assessment", "risk_treatment", "statement_of_applicability",
                                          "objectives", "documented_information", "monitoring_measurement",
                                          "internal_audit", "management_review", "improvement"};
            std::set<std::string> covered;
            for (const auto* r : In("role", {"approved"}))
                for (const char* k : {"responsible_for", "accountable_for"})
                    for (const auto& p : List(r->data, k)) covered.insert(p);
            std::vector<std::string> gaps;
            for (const char* p : kCore)
                if (!covered.count(p)) gaps.push_back(p);
            size_t n = std::size(kCore);
            if (gaps.empty())
                Set(i, "met", fmt::format("all {} core processes owned", n));
            else if (gaps.size() < n)
                Set(i, "partial", fmt::format("{} of {} core processes owned", n - gaps.size(), n),
                    "no role responsible or accountable for: " + Abbreviated(gaps, 12));
            else
                Set(i, "missing", "no approved role owns an ISMS process", "approve roles with a RACI");
            c.items.push_back(i);
        }
        return c;
    }

    // Active persons holding each approved role.
    std::map<std::string, std::vector<std::string>> Holders() const {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& p : Of("person")) {
            if (p.data.contains("active") && p.data["active"] == false) continue;
            for (const auto& r : List(p.data, "roles")) out[r].push_back(p.id);
        }
        return out;
    }

    ClauseReadiness Clause5() {
        ClauseReadiness c{"5"};
        auto holders = Holders();
        {
            ReadinessItem i = Item("5.1", "A role marked as top management, with holders, directs the ISMS");
            std::vector<std::string> refs;
            for (const auto* r : In("role", {"approved"}))
                if (r->data.value("top_management", false) && !holders[r->id].empty()) refs.push_back(r->id);
            if (refs.empty())
                Set(i, "missing", "no approved top-management role with a holder",
                    "mark the top-management role and assign its holders");
            else
                Set(i, "met", "top-management role " + Abbreviated(refs), "", refs);
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("5.2", "An approved information security policy, reviewed on schedule", true);
            std::vector<const Record*> released, drafts;
            for (const auto& d : Of("document")) {
                if (Text(d.data, "kind") != "policy") continue;
                if (d.state == "approved" || d.state == "published") released.push_back(&d);
                if (d.state == "draft" || d.state == "in_review") drafts.push_back(&d);
            }
            auto late = OverdueOf(released);
            if (!released.empty() && late.empty())
                Set(i, "met", "policy " + Abbreviated(Ids(released)), "", Ids(released));
            else if (!released.empty())
                Set(i, "stale", "policy " + Abbreviated(Ids(released)), "review overdue", Ids(released));
            else if (!drafts.empty())
                Set(i, "partial", "policy in draft: " + Abbreviated(Ids(drafts)), "approve and publish it", Ids(drafts));
            else
                Set(i, "missing", "no document of kind 'policy'", "write the information security policy");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("5.3", "ISMS roles are approved and each is held by someone");
            auto roles = In("role", {"approved"});
            std::vector<std::string> empty;
            for (const auto* r : roles)
                if (holders[r->id].empty()) empty.push_back(r->id);
            if (roles.empty())
                Set(i, "missing", "no approved role", "define and approve the ISMS roles");
            else if (!empty.empty())
                Set(i, "partial", fmt::format("{} approved roles", roles.size()), "nobody holds " + Abbreviated(empty),
                    Ids(roles));
            else
                Set(i, "met", fmt::format("{} approved roles, all held", roles.size()), "", Ids(roles));
            c.items.push_back(i);
        }
        return c;
    }

    ClauseReadiness Clause6() {
        ClauseReadiness c{"6"};
        {
            ReadinessItem i = Item("6.1.2", "The risk assessment process is documented (criteria, method, acceptance)",
                                   true);
            auto docs = DocumentsFor("6.1.2");
            if (!docs.empty())
                Set(i, "met", "documented in " + Abbreviated(Ids(docs)), "", Ids(docs));
            else if (f_.criteria_stored)
                Set(i, "partial", "risk criteria are set in isms",
                    "no approved document names clause 6.1.2 (document field 'clauses')");
            else
                Set(i, "missing", "no risk criteria and no document for 6.1.2",
                    "set the risk criteria and document the method");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("6.1.3", "The risk treatment process is documented", true);
            auto docs = DocumentsFor("6.1.3");
            int treated = 0;
            for (const auto& k : f_.risks) treated += k.treatment.has_value();
            if (!docs.empty())
                Set(i, "met", "documented in " + Abbreviated(Ids(docs)), "", Ids(docs));
            else if (treated)
                Set(i, "partial", fmt::format("{} risks have treatment decisions", treated),
                    "no approved document names clause 6.1.3");
            else
                Set(i, "missing", "no treatment decisions and no document for 6.1.3", "document the treatment process");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("6.1.3", "An approved Statement of Applicability that matches the current decisions",
                                   true);
            int decided = 0;
            for (const auto& e : f_.soa) decided += e.applicability != "undecided";
            std::string year_ago = DaysBefore(f_.today, 365);
            if (f_.soa_version == 0 && decided == 0)
                Set(i, "missing", "no SoA decisions", "decide every Annex A control and approve the SoA");
            else if (f_.soa_version == 0)
                Set(i, "partial", fmt::format("{} of {} controls decided, never approved", decided, f_.soa.size()),
                    "approve the SoA (isms soa approve)");
            else if (f_.soa_changes_since_approval > 0 || f_.soa_approved_at.substr(0, 10) < year_ago)
                Set(i, "stale", fmt::format("SoA version {} approved {}", f_.soa_version, f_.soa_approved_at.substr(0, 10)),
                    f_.soa_changes_since_approval ? fmt::format("{} changes since approval: approve a new version",
                                                                f_.soa_changes_since_approval)
                                                  : "approved more than a year ago",
                    {fmt::format("soa v{}", f_.soa_version)});
            else
                Set(i, "met", fmt::format("SoA version {} approved {}", f_.soa_version, f_.soa_approved_at.substr(0, 10)),
                    "", {fmt::format("soa v{}", f_.soa_version)});
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("6.2", "Measurable objectives, each evaluated by a metric, reviewed on schedule", true);
            auto objectives = In("objective", {"planned", "in_progress", "achieved", "not_achieved"});
            auto active = In("objective", {"planned", "in_progress"});
            std::set<std::string> measured;
            for (const auto& m : Of("metric"))
                if (m.state != "retired")
                    for (const auto& o : List(m.data, "objectives")) measured.insert(o);
            std::vector<std::string> unmeasured;
            for (const auto* o : active)
                if (!measured.count(o->id)) unmeasured.push_back(o->id);
            auto late = OverdueOf(active);
            std::string found = fmt::format("{} objectives ({} active)", objectives.size(), active.size());
            if (objectives.empty())
                Set(i, "missing", "no objectives", "set measurable objectives");
            else if (!late.empty())
                Set(i, "stale", found, "progress review overdue: " + Abbreviated(Ids(late)), Ids(objectives));
            else if (!unmeasured.empty())
                Set(i, "partial", found, "no metric evaluates " + Abbreviated(unmeasured), Ids(objectives));
            else
                Set(i, "met", found, "", Ids(objectives));
            c.items.push_back(i);
        }
        c.items.push_back(Register("6.3", "Changes to the ISMS are planned and tracked", "planned_change",
                                   {"proposed", "approved", "in_progress", "completed"}, "planned changes"));
        return c;
    }

    ClauseReadiness Clause7() {
        ClauseReadiness c{"7"};
        c.items.push_back(Register("7.1", "Resources for the ISMS are determined and provided", "resource",
                                   {"approved", "provided"}, "approved or provided resources"));
        {
            ReadinessItem i = Item("7.2", "Verified, current evidence of competence for people in ISMS roles", true);
            auto verified = In("competence_evidence", {"verified"});
            auto submitted = In("competence_evidence", {"submitted"});
            auto late = OverdueOf(verified);
            auto expired = In("competence_evidence", {"expired"});
            if (verified.empty() && submitted.empty())
                Set(i, "missing", "no competence evidence", "record evidence of competence");
            else if (verified.empty())
                Set(i, "partial", fmt::format("{} submitted, none verified", submitted.size()), "verify the evidence",
                    Ids(submitted));
            else if (!late.empty())
                Set(i, "stale", fmt::format("{} verified", verified.size()), "expired: " + Abbreviated(Ids(late)),
                    Ids(verified));
            else
                Set(i, "met",
                    fmt::format("{} verified{}", verified.size(),
                                expired.empty() ? "" : fmt::format(" ({} expired kept as history)", expired.size())),
                    "", Ids(verified));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("7.3", "Awareness activities run for staff, with completion recorded");
            auto run = In("awareness_campaign", {"running", "completed"});
            auto planned = In("awareness_campaign", {"planned"});
            if (!run.empty())
                Set(i, "met", fmt::format("{} running or completed", run.size()), "", Ids(run));
            else if (!planned.empty())
                Set(i, "partial", fmt::format("{} planned", planned.size()), "run them", Ids(planned));
            else
                Set(i, "missing", "no awareness activity", "plan and run awareness activities");
            c.items.push_back(i);
        }
        c.items.push_back(Register("7.4", "Communication is planned (what, when, with whom, how, by whom)",
                                   "communication", {"active"}, "active communications"));
        c.items.push_back(Register("7.5.1", "A register of approved documented information, reviewed on schedule",
                                   "document", {"approved", "published"}, "approved or published documents", true));
        return c;
    }

    ClauseReadiness Clause8() {
        ClauseReadiness c{"8"};
        std::string year_ago = DaysBefore(f_.today, 365), quarter_ago = DaysBefore(f_.today, 92);
        std::vector<std::string> overdue_actions, done_actions;
        for (const auto& a : f_.actions) {
            if (a.Overdue(f_.today)) overdue_actions.push_back(a.id);
            if (a.status == "done" && a.completed_on >= year_ago) done_actions.push_back(a.id);
        }
        {
            ReadinessItem i = Item("8.1", "Records show the planned processes ran (actions completed, changes carried "
                                          "out, measurements taken, audits answered)",
                                   true);
            std::vector<std::string> evidence;
            if (!done_actions.empty()) evidence.push_back(fmt::format("{} treatment actions done", done_actions.size()));
            auto changes = In("planned_change", {"completed"});
            if (!changes.empty()) evidence.push_back(fmt::format("{} planned changes completed", changes.size()));
            if (!f_.latest_measurement.empty() && f_.latest_measurement >= quarter_ago)
                evidence.push_back("measurements of the last quarter");
            int answered = 0;
            for (const auto& [a, n] : f_.checklist_answered) answered += n;
            if (answered) evidence.push_back(fmt::format("{} audit checklist items answered", answered));
            if (evidence.empty())
                Set(i, "missing", "no operational records", "carry out and record the planned activities");
            else if (!overdue_actions.empty())
                Set(i, "stale", Abbreviated(evidence), "overdue treatment actions: " + Abbreviated(overdue_actions), overdue_actions);
            else
                Set(i, "met", Abbreviated(evidence));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("8.2", "Risk assessments performed and their results kept, within the last year",
                                   true);
            int assessed = 0;
            std::vector<std::string> unassessed;
            for (const auto& k : f_.risks) {
                if (k.inherent) ++assessed;
                else unassessed.push_back(k.id);
            }
            std::string found = fmt::format("{} of {} open risks assessed{}", assessed, f_.risks.size(),
                                            f_.latest_assessment.empty() ? "" : ", latest " + f_.latest_assessment);
            if (!assessed)
                Set(i, "missing", found, "assess the risks");
            else if (f_.latest_assessment < year_ago)
                Set(i, "stale", found, "no assessment in the last 12 months: run it again (isms risk assess)");
            else if (!unassessed.empty())
                Set(i, "partial", found, "not assessed: " + Abbreviated(unassessed), unassessed);
            else
                Set(i, "met", found);
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("8.3", "Risk treatment carried out and its results kept", true);
            int assessed = 0, treated = 0;
            std::vector<std::string> untreated;
            for (const auto& k : f_.risks) {
                if (!k.inherent) continue;
                ++assessed;
                if (k.treatment) ++treated;
                else untreated.push_back(k.id);
            }
            std::string found = fmt::format("{} of {} assessed risks treated, {} treatment actions done", treated,
                                            assessed, done_actions.size());
            if (!treated)
                Set(i, "missing", found, "decide and carry out the treatment");
            else if (!overdue_actions.empty())
                Set(i, "stale", found, "overdue treatment actions: " + Abbreviated(overdue_actions), overdue_actions);
            else if (!untreated.empty())
                Set(i, "partial", found, "no treatment decision: " + Abbreviated(untreated), untreated);
            else
                Set(i, "met", found);
            c.items.push_back(i);
        }
        return c;
    }

    ClauseReadiness Clause9() {
        ClauseReadiness c{"9"};
        std::string year_ago = DaysBefore(f_.today, 365);
        {
            ReadinessItem i = Item("9.1", "Active metrics measured at their frequency, with results kept", true);
            auto active = In("metric", {"active"});
            auto late = OverdueOf(active);
            std::vector<std::string> never;
            for (const auto* m : active)
                if (Text(m->data, "last_measured").empty()) never.push_back(m->id);
            std::string found = fmt::format("{} active metrics", active.size());
            if (active.empty())
                Set(i, "missing", "no active metric", "define metrics and measure them");
            else if (never.size() == active.size())
                Set(i, "partial", found, "none has been measured yet", Ids(active));
            else if (!late.empty())
                Set(i, "stale", found, "measurement overdue: " + Abbreviated(Ids(late)), Ids(active));
            else
                Set(i, "met", found + ", all measured on time", "", Ids(active));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("9.2.2", "An approved audit programme covering the current period", true);
            std::vector<const Record*> current, old;
            for (const auto* p : In("audit_programme", {"approved", "completed"})) {
                bool covers = Text(p->data, "period_start") <= f_.today && Text(p->data, "period_end") >= f_.today;
                (covers && p->state == "approved" ? current : old).push_back(p);
            }
            auto drafts = In("audit_programme", {"draft"});
            if (!current.empty())
                Set(i, "met", "programme " + Abbreviated(Ids(current)), "", Ids(current));
            else if (!old.empty())
                Set(i, "stale", "programme " + Abbreviated(Ids(old)) + " does not cover today",
                    "approve the programme for the current period", Ids(old));
            else if (!drafts.empty())
                Set(i, "partial", "programme in draft: " + Abbreviated(Ids(drafts)), "approve it", Ids(drafts));
            else
                Set(i, "missing", "no audit programme", "plan the internal audit programme");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("9.2.2", "Internal audits carried out with reports, within the last year", true);
            std::vector<const Record*> recent, older;
            for (const auto* a : In("audit", {"completed"}))
                (Text(a->data, "actual_end") >= year_ago ? recent : older).push_back(a);
            auto running = In("audit", {"in_progress", "reporting"});
            if (!recent.empty())
                Set(i, "met", "completed " + Abbreviated(Ids(recent)), "", Ids(recent));
            else if (!running.empty())
                Set(i, "partial", "in progress: " + Abbreviated(Ids(running)), "complete the audit and its report",
                    Ids(running));
            else if (!older.empty())
                Set(i, "stale", "last completed " + Abbreviated(Ids(older)), "no audit completed in the last 12 months",
                    Ids(older));
            else
                Set(i, "missing", "no internal audit", "carry out an internal audit");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("9.3.2", "The latest management review considered every input (a compiled pack)");
            auto reviews = In("management_review", {"planned", "held", "approved"});
            const Record* latest = nullptr;
            for (const auto* r : reviews)
                if (!latest || Text(r->data, "meeting_date") > Text(latest->data, "meeting_date")) latest = r;
            if (!latest)
                Set(i, "missing", "no management review", "plan a management review");
            else if (f_.reviews_with_pack.count(latest->id))
                Set(i, "met", latest->id + " has compiled inputs", "", {latest->id});
            else
                Set(i, "partial", latest->id + " has no compiled inputs", "compile its inputs (isms review compile)",
                    {latest->id});
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("9.3.3", "A management review held within the last year, minutes approved", true);
            std::vector<const Record*> recent, unapproved, older;
            for (const auto* r : In("management_review", {"held", "approved"})) {
                bool in_year = Text(r->data, "meeting_date") >= year_ago;
                (!in_year ? older : r->state == "approved" ? recent : unapproved).push_back(r);
            }
            if (!recent.empty())
                Set(i, "met", "approved " + Abbreviated(Ids(recent)), "", Ids(recent));
            else if (!unapproved.empty())
                Set(i, "partial", "held, not approved: " + Abbreviated(Ids(unapproved)), "approve the minutes",
                    Ids(unapproved));
            else if (!older.empty())
                Set(i, "stale", "last held " + Abbreviated(Ids(older)), "no review in the last 12 months", Ids(older));
            else
                Set(i, "missing", "no management review held", "hold a management review");
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("9.3.3", "The reviews' decisions are tracked in the improvement register");
            std::set<std::string> with_outputs;
            for (const auto& r : Of("improvement"))
                if (!Text(r.data, "management_review").empty()) with_outputs.insert(Text(r.data, "management_review"));
            auto held = In("management_review", {"held", "approved"});
            std::vector<std::string> silent;
            for (const auto* r : held)
                if (!with_outputs.count(r->id)) silent.push_back(r->id);
            if (held.empty())
                Set(i, "missing", "no management review held", "hold a review and record its decisions");
            else if (!silent.empty())
                Set(i, "partial", fmt::format("{} reviews held", held.size()), "no recorded decisions for " + Abbreviated(silent),
                    silent);
            else
                Set(i, "met", fmt::format("decisions recorded for {} reviews", held.size()));
            c.items.push_back(i);
        }
        return c;
    }

    ClauseReadiness Clause10() {
        ClauseReadiness c{"10"};
        {
            ReadinessItem i = Item("10.1", "The continual-improvement register is used and entries are completed");
            auto all = In("improvement", {"proposed", "approved", "in_progress", "done"});
            auto done = In("improvement", {"done", "in_progress"});
            if (all.empty())
                Set(i, "missing", "no improvement entries", "record opportunities for improvement");
            else if (done.empty())
                Set(i, "partial", fmt::format("{} entries, none in progress or done", all.size()), "act on them",
                    Ids(all));
            else
                Set(i, "met", fmt::format("{} entries, {} in progress or done", all.size(), done.size()), "", Ids(done));
            c.items.push_back(i);
        }
        std::set<std::string> handled;
        for (const auto& n : Of("nonconformity"))
            if (!Text(n.data, "finding").empty()) handled.insert(Text(n.data, "finding"));
        // 10.2 asks for records of the nonconformities that occurred. An empty register is evidence only when
        // something looked for them: an internal audit completed in the last 12 months. Without one, nothing shows
        // that the process has ever run, and a certification auditor would not take "none recorded" for "none
        // occurred".
        std::string year_ago = DaysBefore(f_.today, 365);
        std::vector<const Record*> recent_audits, older_audits;
        for (const auto* a : In("audit", {"completed"}))
            (Text(a->data, "actual_end") >= year_ago ? recent_audits : older_audits).push_back(a);
        auto ncs = In("nonconformity", {"open", "analysed", "closed"});
        auto never_ran = [&](ReadinessItem& i, const std::string& none) {
            if (!recent_audits.empty())
                Set(i, "met",
                    fmt::format("{}; internal audit {} completed in the last 12 months found none", none,
                                Abbreviated(Ids(recent_audits))),
                    "", Ids(recent_audits));
            else if (!older_audits.empty())
                Set(i, "partial", none + "; the last internal audit was completed more than 12 months ago",
                    "nothing recent shows that none arose: complete an internal audit", Ids(older_audits));
            else
                Set(i, "missing", none + " and no internal audit completed: nothing shows the process has run",
                    "record the nonconformities found by audits, incidents, complaints and monitoring; complete an "
                    "internal audit");
        };
        {
            ReadinessItem i = Item("10.2", "Every nonconformity recorded with its correction and root cause", true);
            std::vector<std::string> unrecorded;
            for (const auto& f : Of("audit_finding")) {
                std::string k = Text(f.data, "kind");
                if ((k == "major_nonconformity" || k == "minor_nonconformity") && !handled.count(f.id))
                    unrecorded.push_back(f.id);
            }
            auto late = OverdueOf(In("nonconformity", {"open", "analysed"}));
            std::vector<std::string> unanalysed;
            for (const auto* n : In("nonconformity", {"open"})) unanalysed.push_back(n->id);
            std::string found = fmt::format("{} nonconformities", ncs.size());
            if (!unrecorded.empty())
                Set(i, "missing", found, "nonconformity findings without a nonconformity record: " + Abbreviated(unrecorded),
                    unrecorded);
            else if (!late.empty())
                Set(i, "stale", found, "past due: " + Abbreviated(Ids(late)), Ids(late));
            else if (!unanalysed.empty())
                Set(i, "partial", found, "correction and root cause not yet recorded: " + Abbreviated(unanalysed), unanalysed);
            else if (ncs.empty())
                never_ran(i, "no nonconformity recorded");
            else
                Set(i, "met", found, "", Ids(ncs));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("10.2", "Corrective actions carried out and their effectiveness reviewed", true);
            auto actions = In("corrective_action", {"planned", "in_progress", "implemented", "closed"});
            auto late = OverdueOf(In("corrective_action", {"planned", "in_progress"}));
            // Only a recorded result "effective" is evidence that a cause was removed (10.2 d), e)); a closed action
            // without one (closed before the rule, or outside isms) is not.
            std::vector<const Record*> effective, unchecked, ineffective, closed_unproven;
            for (const auto* a : actions) {
                std::string result = Text(a->data, "effectiveness_result");
                if (result == "effective" && a->state == "closed")
                    effective.push_back(a);
                else if (a->state == "closed")
                    closed_unproven.push_back(a);
                else if (a->state == "implemented")
                    (result == "not_effective" ? ineffective : unchecked).push_back(a);
            }
            std::vector<std::string> without;
            std::set<std::string> with_action;
            for (const auto* a : actions) with_action.insert(Text(a->data, "nonconformity"));
            std::vector<const Record*> reasoned;
            for (const auto* n : In("nonconformity", {"analysed", "closed"})) {
                if (with_action.count(n->id)) continue;
                if (Text(n->data, "no_action_reason").empty()) {
                    if (n->state == "analysed") without.push_back(n->id);
                } else {
                    reasoned.push_back(n);
                }
            }
            std::string found =
                fmt::format("{} corrective actions, {} closed as effective", actions.size(), effective.size());
            if (!without.empty())
                Set(i, "missing", found, "no corrective action decided for " + Abbreviated(without), without);
            else if (!late.empty())
                Set(i, "stale", found, "overdue: " + Abbreviated(Ids(late)), Ids(late));
            else if (!ineffective.empty())
                Set(i, "partial", found,
                    "checked and found not effective: " + Abbreviated(Ids(ineffective)) +
                        " (reopen it or follow it with another action)",
                    Ids(ineffective));
            else if (!closed_unproven.empty())
                Set(i, "partial", found,
                    "closed without an effective result recorded: " + Abbreviated(Ids(closed_unproven)),
                    Ids(closed_unproven));
            else if (!unchecked.empty())
                Set(i, "partial", found, "effectiveness not yet checked: " + Abbreviated(Ids(unchecked)), Ids(unchecked));
            else if (actions.empty() && ncs.empty())
                never_ran(i, "no corrective action recorded");
            else if (actions.empty() && reasoned.size() == ncs.size())
                Set(i, "met",
                    fmt::format("no corrective action was needed: the reason is recorded for {}",
                                Abbreviated(Ids(reasoned))),
                    "", Ids(reasoned));
            else if (actions.empty())
                Set(i, "partial", found, "no corrective action decided yet for the open nonconformities",
                    Ids(In("nonconformity", {"open"})));
            else
                Set(i, "met", found, "", Ids(actions));
            c.items.push_back(i);
        }
        return c;
    }

    ClauseReadiness AnnexA() {
        ClauseReadiness c{"A", "Annex A controls (Statement of Applicability)"};
        int undecided = 0, applicable = 0, implemented = 0;
        std::vector<std::string> undecided_ids, not_impl, no_evidence;
        for (const auto& e : f_.soa) {
            if (e.applicability == "undecided") {
                ++undecided;
                undecided_ids.push_back(e.control_id);
            }
            if (e.applicability != "applicable") continue;
            ++applicable;
            if (e.status == "implemented") {
                ++implemented;
                if (e.evidence.empty()) no_evidence.push_back(e.control_id);
            } else {
                not_impl.push_back(e.control_id);
            }
        }
        {
            ReadinessItem i = Item("A", "Every Annex A control decided (applicable or excluded with a reason)");
            int n = static_cast<int>(f_.soa.size());
            if (undecided == n)
                Set(i, "missing", "no control decided", "decide every control in the SoA");
            else if (undecided)
                Set(i, "partial", fmt::format("{} of {} decided", n - undecided, n), "undecided: " + Abbreviated(undecided_ids),
                    undecided_ids);
            else
                Set(i, "met", fmt::format("all {} decided", n));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("A", "Applicable controls implemented");
            std::string found = fmt::format("{} of {} applicable controls implemented", implemented, applicable);
            if (!applicable)
                Set(i, "missing", "no applicable control", "decide the SoA");
            else if (!implemented)
                Set(i, "missing", found, "implement the applicable controls");
            else if (!not_impl.empty())
                Set(i, "partial", found, "not yet implemented: " + Abbreviated(not_impl), not_impl);
            else
                Set(i, "met", found);
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("A", "Implemented controls name evidence");
            if (!implemented)
                Set(i, "missing", "no implemented control", "implement controls and link evidence");
            else if (!no_evidence.empty())
                Set(i, "partial", fmt::format("{} of {} with evidence", implemented - no_evidence.size(), implemented),
                    "no evidence linked: " + Abbreviated(no_evidence), no_evidence);
            else
                Set(i, "met", fmt::format("all {} with evidence", implemented));
            c.items.push_back(i);
        }
        {
            ReadinessItem i = Item("A", "The SoA check finds nothing overlooked");
            if (f_.soa_open_items)
                Set(i, "partial", fmt::format("{} open check items", f_.soa_open_items), "see isms soa check");
            else
                Set(i, "met", "no open check items");
            c.items.push_back(i);
        }
        return c;
    }

private:
    const ReadinessFacts& f_;
};

double Points(const std::string& status) {
    return status == "met" ? 1.0 : status == "partial" || status == "stale" ? 0.5 : 0.0;
}

}  // namespace

Json ReadinessItem::ToJson() const {
    Json j = {{"clause", clause}, {"expectation", expectation}, {"mandatory", mandatory}, {"status", status},
              {"found", found},   {"gap", gap},                 {"refs", refs}};
    if (mandatory) j["documented_information"] = documented_information;
    return j;
}

Json ClauseReadiness::ToJson() const {
    Json items_json = Json::array();
    for (const auto& i : items) items_json.push_back(i.ToJson());
    return {{"id", id}, {"title", title}, {"hint", hint}, {"score", score}, {"items", items_json}};
}

Json Readiness::ToJson() const {
    Json cs = Json::array();
    for (const auto& c : clauses) cs.push_back(c.ToJson());
    return {{"today", today},
            {"score", score},
            {"ok", ok()},
            {"mandatory_missing", mandatory_missing},
            {"counts", {{"items", items}, {"met", met}, {"partial", partial}, {"stale", stale}, {"missing", missing}}},
            {"clauses", cs}};
}

Readiness Evaluate(const ReadinessFacts& facts) {
    Rules rules(facts);
    Readiness out;
    out.today = facts.today;
    out.clauses = {rules.Clause4(), rules.Clause5(), rules.Clause6(), rules.Clause7(),
                   rules.Clause8(), rules.Clause9(), rules.Clause10(), rules.AnnexA()};
    double total = 0;
    for (auto& c : out.clauses) {
        for (const auto& cl : facts.clauses)
            if (cl.id == c.id) c.title = cl.title;
        c.hint = std::string(GoodPractice(c.id));
        double sum = 0;
        for (const auto& i : c.items) {
            sum += Points(i.status);
            ++out.items;
            out.met += i.status == "met";
            out.partial += i.status == "partial";
            out.stale += i.status == "stale";
            out.missing += i.status == "missing";
            out.mandatory_missing += i.mandatory && i.status == "missing";
        }
        total += sum;
        c.score = c.items.empty() ? 0 : static_cast<int>(std::lround(100 * sum / c.items.size()));
    }
    out.score = out.items ? static_cast<int>(std::lround(100 * total / out.items)) : 0;
    return out;
}

ReadinessFacts ReadinessService::Gather(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    ReadinessFacts f;
    f.today = time::Today();
    for (auto& k : risks_.List(ctx, {.include_closed = false})) {
        for (const auto& a : risks_.History(ctx, k.id))
            if (a.at.substr(0, 10) > f.latest_assessment) f.latest_assessment = a.at.substr(0, 10);
        f.risks.push_back(std::move(k));
    }
    f.actions = risks_.Actions(ctx);
    f.soa = soa_.Current(ctx);
    f.soa_open_items = static_cast<int>(soa_.Check(ctx).size());
    auto versions = soa_.Versions(ctx);
    if (!versions.empty()) {
        f.soa_version = versions.back().version;
        f.soa_approved_at = versions.back().approved_at;
        f.soa_changes_since_approval = static_cast<int>(soa_.Diff(ctx, f.soa_version, 0).size());
    }
    store_.Read([&](store::Db& db) {
        f.clauses = LoadClauses(db);
        for (const char* type : {"context_issue", "interested_party", "requirement", "legal_requirement",
                                 "scope_statement", "document", "role", "person", "objective", "planned_change",
                                 "resource", "competence_evidence", "awareness_campaign", "communication", "metric",
                                 "audit_programme", "audit", "audit_finding", "management_review", "nonconformity",
                                 "corrective_action", "improvement"})
            f.records[type] = records::RecordsOf(db, ctx.org_id, type);
        f.criteria_stored = risk::RiskCriteriaService::LoadCurrent(db, ctx.org_id).has_value();
        if (auto r = db.QueryOne("SELECT MAX(measured_on) FROM measurements WHERE org_id = ?", {V(ctx.org_id)});
            r && !r->IsNull(0))
            f.latest_measurement = r->Str(0);
        for (const auto& r : db.Query("SELECT DISTINCT review_id FROM review_packs WHERE org_id = ?", {V(ctx.org_id)}))
            f.reviews_with_pack.insert(r.Str(0));
        for (const auto& r : db.Query("SELECT audit_id, result, evidence, notes FROM audit_checklist WHERE org_id = ?",
                                      {V(ctx.org_id)}))
            if (r.Str(1) != "not_checked" || !r.Str(2).empty() || !r.Str(3).empty()) ++f.checklist_answered[r.Str(0)];
        return 0;
    });
    return f;
}

}  // namespace isms::evaluation
