#include "isms/soa/derivation.hpp"

#include <fmt/format.h>

#include <unordered_map>

namespace isms::soa {

std::vector<std::string> StatusNames() { return {"not_started", "planned", "partial", "implemented", "not_applicable"}; }
std::vector<std::string> ApplicabilityNames() { return {"applicable", "not_applicable", "undecided"}; }
std::vector<std::string> CheckKindNames() {
    return {"no_decision", "chosen_but_excluded", "required_but_excluded", "unjustified"};
}

Json RequirementRef::ToJson() const { return {{"type", type}, {"id", id}, {"title", title}, {"basis", basis}}; }

Json Entry::ToJson() const {
    Json reqs = Json::array();
    for (const auto& r : requirements) reqs.push_back(r.ToJson());
    return {{"control", control_id},
            {"title", title},
            {"theme", theme},
            {"attributes", attributes},
            {"applicability", applicability},
            {"decided_by", decided_by},
            {"risks", risks},
            {"requirements", reqs},
            {"business_need", business_need},
            {"exclusion_reason", exclusion_reason},
            {"status", status},
            {"notes", notes},
            {"evidence", evidence},
            {"owner", owner},
            {"version", version}};
}

Entry Entry::FromJson(const Json& j) {
    Entry e;
    e.control_id = j.value("control", "");
    e.title = j.value("title", "");
    e.theme = j.value("theme", "");
    if (j.contains("attributes") && j["attributes"].is_object())
        e.attributes = j["attributes"].get<std::map<std::string, std::vector<std::string>>>();
    e.applicability = j.value("applicability", "undecided");
    e.decided_by = j.value("decided_by", "");
    e.risks = j.value("risks", std::vector<std::string>{});
    if (j.contains("requirements") && j["requirements"].is_array())
        for (const auto& r : j["requirements"])
            e.requirements.push_back(
                {r.value("type", ""), r.value("id", ""), r.value("title", ""), r.value("basis", "")});
    e.business_need = j.value("business_need", "");
    e.exclusion_reason = j.value("exclusion_reason", "");
    e.status = j.value("status", "");
    e.notes = j.value("notes", "");
    e.evidence = j.value("evidence", std::vector<std::string>{});
    e.owner = j.value("owner", "");
    e.version = j.value("version", int64_t{0});
    return e;
}

Json CheckItem::ToJson() const {
    return {{"kind", kind}, {"control", control_id}, {"title", title}, {"message", message}, {"refs", refs}};
}

Json Change::ToJson() const {
    return {{"control", control_id}, {"title", title}, {"field", field}, {"before", before}, {"after", after}};
}

std::vector<Entry> Derive(const Inputs& in) {
    std::unordered_map<std::string, std::vector<RequirementRef>> reqs;
    for (const auto& r : in.requirements)
        reqs[r.control_id].push_back({r.record.type, r.record.id, r.record.title, r.basis});
    std::vector<Entry> out;
    out.reserve(in.controls.size());
    static const Decision kNone;
    for (const auto& c : in.controls) {
        Entry e;
        e.control_id = c.id;
        e.title = c.title;
        e.theme = c.theme;
        e.attributes = c.attributes;
        auto d_it = in.decisions.find(c.id);
        const Decision& d = d_it == in.decisions.end() ? kNone : d_it->second;
        if (auto u = in.usage.find(c.id); u != in.usage.end()) e.risks = u->second;
        if (auto r = reqs.find(c.id); r != reqs.end()) e.requirements = r->second;
        e.business_need = d.inclusion_reason;
        e.exclusion_reason = d.exclusion_reason;
        e.notes = d.notes;
        e.evidence = d.evidence;
        e.owner = d.owner;
        e.version = d.row_version;
        if (d.applicability == "applicable" || d.applicability == "not_applicable") {
            e.applicability = d.applicability;
            e.decided_by = "decision";
        } else if (!e.risks.empty() || !e.requirements.empty()) {
            e.applicability = "applicable";  // 6.1.3 b/c: determined by the treatment or an obligation
            e.decided_by = "derived";
        } else {
            e.applicability = "undecided";
        }
        if (e.applicability == "not_applicable") {
            e.status = "not_applicable";
        } else if (e.applicability == "applicable") {
            e.status = !d.status.empty() ? d.status : !e.risks.empty() ? "planned" : "not_started";
        }
        out.push_back(std::move(e));
    }
    return out;
}

namespace {
std::string Join(const std::vector<std::string>& v, size_t max = 5) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < max; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > max) s += fmt::format(" and {} more", v.size() - max);
    return s;
}
}  // namespace

std::vector<CheckItem> Check(const std::vector<Entry>& entries) {
    std::vector<CheckItem> out;
    for (const auto& e : entries) {
        if (e.applicability == "undecided") {
            out.push_back({"no_decision", e.control_id, e.title,
                           fmt::format("{} {}: no decision yet; decide whether it applies (with a reason)",
                                       e.control_id, e.title),
                           {}});
            continue;
        }
        if (e.applicability == "not_applicable") {
            if (!e.risks.empty())
                out.push_back({"chosen_but_excluded", e.control_id, e.title,
                               fmt::format("{} {} is chosen in the treatment of {} but marked not applicable",
                                           e.control_id, e.title, Join(e.risks)),
                               e.risks});
            if (!e.requirements.empty()) {
                std::vector<std::string> ids;
                for (const auto& r : e.requirements) ids.push_back(r.id);
                out.push_back({"required_but_excluded", e.control_id, e.title,
                               fmt::format("{} {} is required by {} but marked not applicable", e.control_id, e.title,
                                           Join(ids)),
                               ids});
            }
            continue;
        }
        if (!e.Justified())
            out.push_back({"unjustified", e.control_id, e.title,
                           fmt::format("{} {} is marked applicable but no risk, requirement or stated business need "
                                       "justifies it",
                                       e.control_id, e.title),
                           {}});
    }
    return out;
}

std::vector<Change> Diff(const std::vector<Entry>& a, const std::vector<Entry>& b) {
    std::unordered_map<std::string, const Entry*> before;
    for (const auto& e : a) before.emplace(e.control_id, &e);
    std::vector<Change> out;
    auto reqs = [](const Entry& e) {
        Json j = Json::array();
        for (const auto& r : e.requirements) j.push_back(r.id);
        return j;
    };
    for (const auto& e : b) {
        auto it = before.find(e.control_id);
        if (it == before.end()) {
            out.push_back({e.control_id, e.title, "added", nullptr, e.applicability});
            continue;
        }
        const Entry& o = *it->second;
        auto cmp = [&](const char* field, const Json& x, const Json& y) {
            if (x != y) out.push_back({e.control_id, e.title, field, x, y});
        };
        cmp("applicability", o.applicability, e.applicability);
        cmp("status", o.status, e.status);
        cmp("risks", o.risks, e.risks);
        cmp("requirements", reqs(o), reqs(e));
        cmp("business_need", o.business_need, e.business_need);
        cmp("exclusion_reason", o.exclusion_reason, e.exclusion_reason);
        cmp("owner", o.owner, e.owner);
        cmp("notes", o.notes, e.notes);
        cmp("evidence", o.evidence, e.evidence);
        before.erase(it);
    }
    for (const auto& e : a)
        if (before.count(e.control_id)) out.push_back({e.control_id, e.title, "removed", e.applicability, nullptr});
    return out;
}

}  // namespace isms::soa
