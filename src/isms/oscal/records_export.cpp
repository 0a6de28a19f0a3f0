#include "isms/oscal/records_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/oscal/framework.hpp"

namespace isms::oscal {

namespace {

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// 27001 6.1.3 d): the justification for inclusion (risks, requirements, business need) or exclusion.
std::string Justification(const soa::Entry& e) {
    if (e.applicability == "not_applicable") return e.exclusion_reason;
    if (e.applicability != "applicable") return "Not decided in this statement.";
    std::vector<std::string> parts;
    if (!e.risks.empty()) parts.push_back("Chosen to treat risks " + Join(e.risks) + ".");
    if (!e.requirements.empty()) {
        std::vector<std::string> reqs;
        for (const auto& r : e.requirements)
            reqs.push_back(r.id + " " + r.title + (r.basis.empty() ? "" : " (" + r.basis + ")"));
        parts.push_back("Required by " + Join(reqs, "; ") + ".");
    }
    if (!e.business_need.empty()) parts.push_back(e.business_need);
    return Join(parts, " ");
}

// SoA implementation status → OSCAL implementation-status state.
std::string OscalStatus(const std::string& s) {
    if (s == "implemented" || s == "partial" || s == "planned") return s;
    if (s == "not_applicable") return "not-applicable";
    return "planned";  // not_started: nothing is in place yet, the control is still to be implemented
}

std::string Implementation(const soa::Entry& e) {
    std::string out = e.notes;
    if (e.status == "not_started") out += (out.empty() ? "" : " ") + std::string("Implementation not started.");
    if (!e.evidence.empty()) out += (out.empty() ? "" : " ") + ("Evidence: " + Join(e.evidence) + ".");
    return out;
}

// Risk register status → OSCAL risk status (POA&M).
std::string RiskStatus(const std::string& s) {
    if (s == "identified") return "open";
    if (s == "assessed") return "investigating";
    if (s == "treatment_planned") return "remediating";
    return "deviation-requested";  // treated: the residual risk awaits the owner's acceptance (6.1.3 f)
}

std::string EndOfDay(const std::string& date) { return date.empty() ? "" : date + "T23:59:59Z"; }

}  // namespace

std::optional<int> ParseSoaVersion(std::string_view text, const std::string& field) {
    if (text.empty() || text == "latest") return std::nullopt;
    if (text == "current") return 0;
    if (text.size() < 9 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::stoi(std::string(text)) > 0)
        return std::stoi(std::string(text));
    throw Error::InvalidInput(fmt::format("{} '{}' is not a version of the Statement of Applicability", field, text),
                              {{.field = field, .message = "latest, current or an approved version number"}});
}

std::string RecordExports::OrganisationName(const Context& ctx) {
    auto o = organisations_.FindBySlugOrId(ctx.org_id);
    return o ? o->name : ctx.org_id;
}

std::map<std::string, std::string> RecordExports::PersonNames(const Context& ctx, const std::vector<std::string>& ids) {
    std::map<std::string, std::string> out;
    if (ids.empty()) return out;
    for (const auto& r : directory_.Find(ctx, "person", ids)) out[r.id] = r.title;
    return out;
}

SoaExport RecordExports::SoaInput(const Context& ctx, std::optional<int> soa_version) {
    RequirePermission(ctx, Permission::kRead);
    std::vector<soa::Entry> entries;
    SoaExport x;
    std::string org = OrganisationName(ctx);
    if (soa_version && *soa_version == 0) {
        entries = soa_.Current(ctx);
        x.header = {org, fmt::format("Statement of Applicability of {}: current statement (not approved)", org),
                    "current", time::NowUtc()};
    } else {
        int n = 0;
        if (soa_version) {
            n = *soa_version;
        } else {
            auto versions = soa_.Versions(ctx);
            if (versions.empty())
                throw Error::NotFound(
                    "the Statement of Applicability has no approved version yet: approve one (isms soa approve) or "
                    "export the current statement (--soa-version current, API: version=current)");
            n = versions.back().version;
        }
        auto v = soa_.GetVersion(ctx, n);  // kNotFound for an unknown version
        entries = std::move(v.entries);
        x.header = {org, fmt::format("Statement of Applicability of {}, version {}", org, n), std::to_string(n),
                    v.approved_at};
    }
    x.catalog_href = std::string(kSoaCatalogHref);
    x.profile_href = std::string(kSoaProfileHref);
    x.system_name = org + " ISMS";
    x.roles = {{"control-owner", "Control owner"}};
    // The ISMS scope (27001 4.3): the approved scope statement, else the newest one.
    records::ListQuery q;
    q.limit = 1000;
    const records::Record* scope = nullptr;
    auto scopes = records_.List(ctx, "scope_statement", q).items;
    for (const auto& r : scopes)
        if (!scope || (r.state == "approved" && scope->state != "approved")) scope = &r;
    if (scope) {
        x.system_name = org + " ISMS: " + scope->title;
        x.scope_description = scope->data.value("statement", "");
    }
    std::vector<std::string> owners;
    for (const auto& e : entries)
        if (!e.owner.empty()) owners.push_back(e.owner);
    std::sort(owners.begin(), owners.end());
    owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
    auto names = PersonNames(ctx, owners);
    for (const auto& id : owners) x.parties.push_back({id, names.count(id) ? names[id] : id});
    for (const auto& e : entries) {
        SoaEntry s;
        s.control_id = IsoOscalId(e.control_id);
        s.applicable = e.applicability == "applicable";
        s.justification = Justification(e);
        s.status = OscalStatus(e.status);
        s.implementation = Implementation(e);
        if (!e.owner.empty()) {
            s.responsible_roles = {"control-owner"};
            s.responsible_parties = {e.owner};
        }
        x.entries.push_back(std::move(s));
    }
    return x;
}

PoamExport RecordExports::PoamInput(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    PoamExport p;
    p.header = {OrganisationName(ctx), fmt::format("Plan of action and milestones of {}", OrganisationName(ctx)),
                time::Today(), time::NowUtc()};
    p.system_id = ctx.org_id;
    auto actions = risks_.Actions(ctx);
    auto risks = risks_.List(ctx, {.include_closed = false});
    std::vector<std::string> people;
    for (const auto& a : actions) people.push_back(a.owner);
    for (const auto& r : risks) people.push_back(r.owner);
    people.erase(std::remove(people.begin(), people.end(), std::string()), people.end());
    auto names = PersonNames(ctx, people);
    auto name = [&](const std::string& id) { return names.count(id) ? names[id] : id; };

    std::map<std::string, std::string> latest_due;  // risk id → latest due date of its open actions
    for (const auto& a : actions) {
        if (a.status != "open" && a.status != "in_progress") continue;  // the plan's remaining work
        std::vector<std::string> controls;
        if (!a.control.empty() && a.control.rfind("OC-", 0) != 0) controls.push_back(IsoOscalId(a.control));
        p.actions.push_back({a.id, a.title, a.notes, "treatment", a.status == "in_progress" ? "in-progress" : "open",
                             EndOfDay(a.due_date), name(a.owner), controls, "risk " + a.risk_id});
        latest_due[a.risk_id] = std::max(latest_due[a.risk_id], a.due_date);
    }
    for (const auto& r : risks) {
        if (r.closed || r.status == "accepted" || r.status == "closed") continue;
        PoamRisk x;
        x.id = r.id;
        x.title = r.title;
        x.description = r.description.empty() ? r.scenario : r.description;
        x.isms_status = r.status;
        x.status = RiskStatus(r.status);
        if (const auto& s = r.Current()) {
            x.likelihood = s->likelihood;
            x.consequence = s->consequence;
            x.level = s->level;
        }
        x.owner = r.owner.empty() ? "" : name(r.owner);
        x.deadline = EndOfDay(latest_due[r.id]);
        for (const auto& a : p.actions)
            if (a.origin == "risk " + r.id) x.action_ids.push_back(a.id);
        p.risks.push_back(std::move(x));
    }
    std::set<std::string> ids;
    for (const auto& a : p.actions) ids.insert(a.id);
    for (const auto& source : sources_)
        for (auto& a : source(ctx)) {
            if (!ids.insert(a.id).second)
                throw Error::Internal(fmt::format("POA&M item '{}' is given twice", a.id));
            p.actions.push_back(std::move(a));
        }
    if (p.actions.empty() && p.risks.empty())
        throw Error::NotFound("nothing to put in a plan of action and milestones: no open treatment action, "
                              "corrective action or risk");
    return p;
}

Document RecordExports::SoaProfile(const Context& ctx, std::optional<int> soa_version) {
    return ProfileFromSoa(SoaInput(ctx, soa_version));
}

Document RecordExports::SystemSecurityPlan(const Context& ctx, std::optional<int> soa_version) {
    return SspFromSoa(SoaInput(ctx, soa_version));
}

Document RecordExports::PlanOfActionAndMilestones(const Context& ctx) { return PoamFromActions(PoamInput(ctx)); }

}  // namespace isms::oscal
