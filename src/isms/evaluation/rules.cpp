#include "isms/evaluation/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "isms/core/time.hpp"
#include "isms/evaluation/clauses.hpp"
#include "isms/evaluation/fields.hpp"
#include "isms/soa/statement.hpp"

namespace isms::evaluation {

using namespace fields;

namespace {

using records::Record;
using records::RuleCall;
using Problems = std::vector<ErrorDetail>;

bool Changed(const RuleCall& c, const char* field) {
    Json before = c.before && c.before->data.contains(field) ? c.before->data.at(field) : Json(nullptr);
    Json after = c.after.data.contains(field) ? c.after.data.at(field) : Json(nullptr);
    return before != after;
}

bool Entering(const RuleCall& c, std::string_view state) {
    return c.after.state == state && (!c.before || c.before->state != state);
}

void NotInFuture(const RuleCall& c, const char* field, Problems& p) {
    std::string v = Text(c.after.data, field);
    if (!v.empty() && Changed(c, field) && v > time::Today())
        p.push_back({field, fmt::format("{} lies in the future (today is {})", v, time::Today())});
}

void NotBefore(const RuleCall& c, const char* later, const char* earlier, Problems& p) {
    std::string a = Text(c.after.data, later), b = Text(c.after.data, earlier);
    if (!a.empty() && !b.empty() && a < b) p.push_back({later, fmt::format("{} is before {} ({})", a, earlier, b)});
}

void KnownClause(const RuleCall& c, const std::string& field, const std::vector<std::string>& ids, Problems& p) {
    if (ids.empty()) return;
    auto all = LoadClauses(c.db);
    std::vector<std::string> unknown;
    ExpandClauses(all, ids, &unknown);
    if (unknown.empty()) return;
    std::vector<std::string> allowed;
    for (const auto& cl : all) allowed.push_back(cl.id);
    for (const auto& u : unknown)
        p.push_back({field, fmt::format("'{}' is not a clause of ISO/IEC 27001 (4 to 10.2)", u), allowed});
}

// Records of `type` whose link field `field` names `id`.
std::vector<Record> LinkedFrom(store::Db& db, const std::string& org, const std::string& type, const char* field,
                               const std::string& id) {
    std::vector<Record> out;
    for (const auto& r : db.Query("SELECT from_id FROM record_links WHERE org_id = ? AND from_type = ? AND field = ? "
                                  "AND to_id = ? ORDER BY from_id",
                                  {store::V(org), store::V(type), store::V(field), store::V(id)}))
        if (auto rec = records::FindRecord(db, org, type, r.Str(0)); rec && !rec->archived) out.push_back(*rec);
    return out;
}

// ---- metric -----------------------------------------------------------------------------------------------

void MetricRule(const RuleCall& c, Problems& p) {
    if (c.op != "measure")
        for (const char* f : {"last_measured", "latest_value", "status"})
            if (Changed(c, f))
                p.push_back({f, "is set from the measurements: record a measurement instead of editing it"});
    const Json& d = c.after.data;
    auto lo = Number(d, "min_value"), hi = Number(d, "max_value"), target = Number(d, "target"),
         warning = Number(d, "warning");
    if (lo && hi && *lo > *hi) p.push_back({"min_value", fmt::format("is above max_value ({} > {})", *lo, *hi)});
    if (target && ((lo && *target < *lo) || (hi && *target > *hi)))
        p.push_back({"target", "lies outside the allowed range (min_value to max_value)"});
    bool higher = Text(d, "direction") != "lower_is_better";
    if (target && warning && (higher ? *warning > *target : *warning < *target))
        p.push_back({"warning", fmt::format("must be {} the target for a metric where {} is better ({} vs target {})",
                                            higher ? "at or below" : "at or above", higher ? "higher" : "lower",
                                            *warning, *target)});
}

// ---- audit ------------------------------------------------------------------------------------------------

void AuditRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    NotBefore(c, "planned_end", "planned_start", p);
    NotBefore(c, "actual_end", "actual_start", p);
    NotInFuture(c, "actual_start", p);
    NotInFuture(c, "actual_end", p);
    if (Changed(c, "clauses")) KnownClause(c, "clauses", List(c.after.data, "clauses"), p);
    if (c.after.state == "cancelled") return;
    auto check = CheckIndependence(c.db, c.ctx.org_id, c.after);
    for (const auto& k : check.conflicts)
        p.push_back({k.field, fmt::format("{} may not audit this: {}", k.person, k.reason)});
}

// ---- audit_finding ----------------------------------------------------------------------------------------

void FindingRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    const Json& d = c.after.data;
    std::string clause = Text(d, "clause"), control = Text(d, "control");
    if (clause.empty() && control.empty())
        p.push_back({"clause", "name the clause or the control the finding concerns (clause or control)"});
    if (!clause.empty() && Changed(c, "clause")) KnownClause(c, "clause", {clause}, p);
    NotInFuture(c, "raised_on", p);
    std::string audit_id = Text(d, "audit");
    if (!c.before || Changed(c, "audit")) {
        auto audit = records::FindRecord(c.db, c.ctx.org_id, "audit", audit_id);
        if (audit && audit->state != "in_progress" && audit->state != "reporting")
            p.push_back({"audit", fmt::format("audit {} is '{}': findings are raised while it is in progress or "
                                              "reporting",
                                              audit_id, audit->state)});
    }
    auto kinds = NonconformityFindingKinds();
    bool nc = std::find(kinds.begin(), kinds.end(), Text(d, "kind")) != kinds.end();
    if (nc && Entering(c, "closed")) {
        auto ncs = LinkedFrom(c.db, c.ctx.org_id, "nonconformity", "finding", c.after.id);
        if (ncs.empty()) {
            p.push_back({"state", fmt::format("{} is a nonconformity: record it as a nonconformity (with finding = {}) "
                                              "and close that first",
                                              c.after.id, c.after.id)});
        } else {
            for (const auto& n : ncs)
                if (n.state != "closed")
                    p.push_back({"state", fmt::format("nonconformity {} for this finding is still '{}'", n.id, n.state)});
        }
    }
}

// ---- nonconformity ----------------------------------------------------------------------------------------

void NonconformityRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    const Json& d = c.after.data;
    if (Changed(c, "clause") && !Text(d, "clause").empty()) KnownClause(c, "clause", {Text(d, "clause")}, p);
    NotInFuture(c, "detected_on", p);
    NotInFuture(c, "closed_on", p);
    NotBefore(c, "closed_on", "detected_on", p);
    if (std::string fid = Text(d, "finding"); !fid.empty() && (Changed(c, "finding") || Changed(c, "severity"))) {
        if (auto f = records::FindRecord(c.db, c.ctx.org_id, "audit_finding", fid)) {
            std::string kind = Text(f->data, "kind");
            if (kind != "major_nonconformity" && kind != "minor_nonconformity") {
                p.push_back({"finding", fmt::format("finding {} is an {}, not a nonconformity", fid, kind)});
            } else if (std::string sev = kind == "major_nonconformity" ? "major" : "minor"; Text(d, "severity") != sev) {
                p.push_back({"severity", fmt::format("finding {} is a {} nonconformity", fid, sev), {sev}});
            }
        }
    }
    if (Entering(c, "closed")) {
        auto actions = LinkedFrom(c.db, c.ctx.org_id, "corrective_action", "nonconformity", c.after.id);
        int closed = 0;
        for (const auto& a : actions) {
            // Closed as effective: the close transition demands the result, but only the result proves it.
            if (a.state == "closed" && Text(a.data, "effectiveness_result") == "effective") ++closed;
            if (a.state != "closed" && a.state != "cancelled")
                p.push_back({"state", fmt::format("corrective action {} is still '{}': close it after its effectiveness "
                                                  "check, or cancel it",
                                                  a.id, a.state)});
        }
        if (actions.empty() && Text(d, "no_action_reason").empty())
            p.push_back({"no_action_reason", "a nonconformity without corrective actions needs the reason none is "
                                             "needed"});
        else if (!actions.empty() && closed == 0)
            p.push_back({"state", "none of its corrective actions was closed as effective"});
    }
}

// ---- corrective_action ------------------------------------------------------------------------------------

void CorrectiveActionRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    const Json& d = c.after.data;
    NotInFuture(c, "implemented_on", p);
    NotInFuture(c, "effectiveness_checked_on", p);
    NotBefore(c, "effectiveness_checked_on", "implemented_on", p);
    bool opening = !c.before || Entering(c, "in_progress") || Changed(c, "nonconformity");
    if (opening && c.after.state != "closed" && c.after.state != "cancelled") {
        std::string nc = Text(d, "nonconformity");
        if (auto n = records::FindRecord(c.db, c.ctx.org_id, "nonconformity", nc); n && n->state == "closed")
            p.push_back({"nonconformity", fmt::format("nonconformity {} is closed: reopen it before adding or "
                                                      "reopening its corrective actions",
                                                      nc)});
    }
    if (Entering(c, "closed")) {
        std::string result = Text(d, "effectiveness_result");
        if (!result.empty() && result != "effective")
            p.push_back({"effectiveness_result",
                         fmt::format("is '{}': an action that did not remove the cause is reopened or followed by "
                                     "another action, not closed",
                                     result),
                         {"effective"}});
    }
}

// ---- management_review ------------------------------------------------------------------------------------

void ReviewRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    const Json& d = c.after.data;
    std::string cut = Text(d, "cut_off");
    if (Changed(c, "cut_off") && !cut.empty() && cut > time::Today())
        p.push_back({"cut_off", fmt::format("{} lies in the future (today is {}): inputs can only be compiled up to "
                                            "today",
                                            cut, time::Today())});
    NotBefore(c, "meeting_date", "cut_off", p);
    if (Entering(c, "held")) {
        auto pack = c.db.QueryOne("SELECT cut_off FROM review_packs WHERE org_id = ? AND review_id = ? ORDER BY "
                                  "compilation DESC LIMIT 1",
                                  {store::V(c.ctx.org_id), store::V(c.after.id)});
        if (!pack)
            p.push_back({"cut_off", "compile the review's inputs first (isms review compile, POST "
                                    "/api/v1/management-reviews/{id}/compile)"});
        else if (pack->Str(0) != cut)
            p.push_back({"cut_off", fmt::format("the inputs were compiled at {}, not at the cut-off date {}: compile "
                                                "them again",
                                                pack->Str(0), cut)});
    }
}

// ---- improvement ------------------------------------------------------------------------------------------

void ImprovementRule(const RuleCall& c, Problems& p) {
    if (c.op == "archive" || c.op == "unarchive") return;
    const Json& d = c.after.data;
    if (Text(d, "source") == "management_review" && Text(d, "management_review").empty())
        p.push_back({"management_review", "name the management review this decision comes from"});
    NotInFuture(c, "completed_on", p);
}

}  // namespace

std::vector<std::string> NonconformityFindingKinds() { return {"major_nonconformity", "minor_nonconformity"}; }

Json IndependenceCheck::ToJson() const {
    Json c = Json::array();
    for (const auto& k : conflicts) c.push_back({{"person", k.person}, {"field", k.field}, {"reason", k.reason}});
    return {{"ok", ok()}, {"auditors", auditors}, {"conflicts", c}};
}

IndependenceCheck CheckIndependence(store::Db& db, const std::string& org_id, const Record& audit) {
    IndependenceCheck out;
    const Json& d = audit.data;
    std::vector<std::pair<std::string, std::string>> team;  // person, field
    if (auto lead = Text(d, "lead_auditor"); !lead.empty()) team.emplace_back(lead, "lead_auditor");
    for (const auto& a : List(d, "auditors"))
        if (std::none_of(team.begin(), team.end(), [&](const auto& t) { return t.first == a; }))
            team.emplace_back(a, "auditors");
    auto auditees = List(d, "auditees");
    // Processes in scope: those the audit lists, and those that carry out the clauses in scope (an audit of 6.1.2
    // audits the risk assessment process whether or not it lists it). Each with where it comes from.
    std::map<std::string, std::vector<std::string>> in_scope;  // process → clauses that bring it ("" = listed)
    for (const auto& proc : List(d, "processes")) in_scope[proc].push_back("");
    for (const auto& clause : ExpandClauses(LoadClauses(db), List(d, "clauses")))
        for (const auto& proc : ProcessesOfClause(clause.id)) in_scope[proc].push_back(clause.id);
    auto scope_of = [&](const std::string& proc) {
        std::string clauses;
        bool listed = false;
        for (const auto& c : in_scope.at(proc)) {
            listed |= c.empty();
            if (!c.empty()) clauses += (clauses.empty() ? "" : ", ") + c;
        }
        std::string why = listed ? "listed under processes" : "";
        if (!clauses.empty()) why += (listed ? " and " : "") + std::string("through clause ") + clauses;
        return why;
    };
    // Controls in scope: the listed ones, or every applicable one.
    auto owners = soa::StatementOfApplicability::ControlOwners(db, org_id);
    std::set<std::string> controls;
    for (const auto& c : List(d, "controls")) controls.insert(c);
    bool all_controls = d.contains("all_applicable_controls") && d["all_applicable_controls"] == true;
    for (const auto& [person, field] : team) {
        out.auditors.push_back(person);
        auto add = [&](std::string reason) { out.conflicts.push_back({person, field, std::move(reason)}); };
        if (std::find(auditees.begin(), auditees.end(), person) != auditees.end())
            add("they are also an auditee of this audit");
        auto p = records::FindRecord(db, org_id, "person", person);
        if (p)
            for (const auto& role_id : List(p->data, "roles")) {
                auto role = records::FindRecord(db, org_id, "role", role_id);
                if (!role || role->state == "retired") continue;
                for (const char* kind : {"responsible_for", "accountable_for"})
                    for (const auto& proc : List(role->data, kind))
                        if (in_scope.count(proc))
                            add(fmt::format("their ISMS role {} ({}) is {} for the process '{}' in scope ({})",
                                            role->id, role->title,
                                            std::string(kind) == "responsible_for" ? "responsible" : "accountable",
                                            proc, scope_of(proc)));
            }
        for (const auto& [control, owner] : owners)
            if (owner == person && (all_controls || controls.count(control)))
                add(fmt::format("they own control {} in the Statement of Applicability, which is in scope", control));
    }
    return out;
}

void AddEvaluationRules(records::TypeRegistry& types) {
    types.AddRule("metric", MetricRule);
    types.AddRule("audit", AuditRule);
    types.AddRule("audit_finding", FindingRule);
    types.AddRule("nonconformity", NonconformityRule);
    types.AddRule("corrective_action", CorrectiveActionRule);
    types.AddRule("management_review", ReviewRule);
    types.AddRule("improvement", ImprovementRule);
}

}  // namespace isms::evaluation
