#include "isms/risk/records_directory.hpp"

#include <set>

namespace isms::risk {

namespace {

// Every record of a type (all pages).
std::vector<records::Record> All(records::RecordService& svc, const Context& ctx, const std::string& type,
                                 records::ListQuery q = {}) {
    std::vector<records::Record> out;
    q.limit = 1000;
    for (;;) {
        auto page = svc.List(ctx, type, q);
        for (auto& r : page.items) out.push_back(std::move(r));
        if (page.next_cursor.empty()) break;
        q.cursor = page.next_cursor;
    }
    return out;
}

std::vector<std::string> Strings(const Json& j, const char* key) {
    std::vector<std::string> out;
    if (j.contains(key) && j[key].is_array())
        for (const auto& v : j[key])
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

}  // namespace

std::vector<RecordSummary> RecordsDirectory::Find(const Context& ctx, const std::string& type,
                                                  const std::vector<std::string>& ids) {
    std::vector<RecordSummary> out;
    std::set<std::string> seen;
    for (const auto& id : ids) {
        if (!seen.insert(id).second) continue;
        if (auto r = records_.Find(ctx, type, id)) out.push_back({type, r->id, r->title});
    }
    return out;
}

std::optional<std::string> RecordsDirectory::PersonOfActor(const Context& ctx) {
    const std::string prefix = "user:";
    if (ctx.system || ctx.actor.rfind(prefix, 0) != 0) return std::nullopt;
    records::ListQuery q;
    q.equals["username"] = ctx.actor.substr(prefix.size());
    q.limit = 2;
    auto page = records_.List(ctx, "person", q);
    // `username` is unique among persons; anything else is no match.
    if (page.items.size() != 1) return std::nullopt;
    return page.items.front().id;
}

bool RecordsDirectory::IsTopManagement(const Context& ctx, const std::string& person_id) {
    auto person = records_.Find(ctx, "person", person_id);
    if (!person) return false;
    for (const auto& role_id : Strings(person->data, "roles")) {
        auto role = records_.Find(ctx, "role", role_id);
        if (!role || role->archived || role->state == "retired") continue;
        if (role->data.value("top_management", false)) return true;
    }
    return false;
}

std::vector<ControlRequirement> RecordsDirectory::ControlRequirements(const Context& ctx) {
    std::vector<ControlRequirement> out;
    for (const auto& r : All(records_, ctx, "legal_requirement")) {
        if (r.state == "not_applicable" || r.state == "retired") continue;
        std::string kind = r.data.value("kind", "");
        std::string basis = kind == "contract" ? "contractual" : kind == "regulation" ? "regulatory"
                            : kind == "law"    ? "legal"
                                               : kind;
        for (const auto& c : Strings(r.data, "controls"))
            out.push_back({c, {"legal_requirement", r.id, r.title}, basis});
    }
    for (const auto& r : All(records_, ctx, "requirement")) {
        if (r.state == "rejected" || r.state == "retired") continue;
        if (!r.data.value("addressed_through_isms", true)) continue;
        std::string basis = "interested_party";
        if (auto k = r.data.value("kind", ""); !k.empty() && k != "expectation") basis += ":" + k;
        for (const auto& c : Strings(r.data, "controls")) out.push_back({c, {"requirement", r.id, r.title}, basis});
    }
    return out;
}

void RecordsDirectory::Link(store::WriteTx& tx, const std::string& entity, const std::string& entity_id,
                            const std::string& field, const std::string& type, const std::vector<std::string>& ids) {
    std::vector<records::LinkTarget> targets;
    for (const auto& id : ids)
        if (!id.empty()) targets.push_back({type, id});
    records::SetExternalLinks(tx, tx.ctx().org_id, entity, entity_id, field, targets);
}

}  // namespace isms::risk
