#include "isms/org/organisations.hpp"

#include <fmt/format.h>

#include <cctype>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::org {

using store::V;

namespace {
Organisation FromRow(const store::Row& r) { return {r.Str(0), r.Str(1), r.Str(2), r.Str(3)}; }

bool ValidSlug(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
            return false;
    return s.front() != '-' && s.back() != '-';
}
}  // namespace

std::string OrganisationService::SlugFromName(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c)) {
            out += static_cast<char>(std::tolower(c));
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    if (out.size() > 64) out.resize(64);
    return out.empty() ? "org" : out;
}

Organisation OrganisationService::Create(const Context& ctx, const std::string& name, std::string slug) {
    if (name.empty() || name.size() > 200)
        throw Error::InvalidInput("an organisation needs a name of 1 to 200 characters", {{"name", "required"}});
    if (slug.empty()) slug = SlugFromName(name);
    if (!ValidSlug(slug))
        throw Error::InvalidInput(fmt::format("'{}' is not a valid organisation slug: use lower-case letters, digits "
                                              "and '-'",
                                              slug),
                                  {{"slug", "invalid"}});
    Organisation o{crypto::NewId(), slug, name, time::NowUtc()};
    store_.Write(ctx, [&](store::WriteTx& tx) {
        if (tx.QueryOne("SELECT id FROM organisations WHERE slug = ?", {V(slug)}))
            throw Error::Conflict(fmt::format("an organisation with the slug '{}' exists already", slug));
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, ?)",
                {V(o.id), V(o.slug), V(o.name), V(o.created_at)});
        tx.Log(o.id, "organisation", o.id, "create", nullptr, Json{{"slug", o.slug}, {"name", o.name}});
    });
    return o;
}

std::vector<Organisation> OrganisationService::List() {
    return store_.Read([](store::Db& db) {
        std::vector<Organisation> out;
        for (const auto& r : db.Query("SELECT id, slug, name, created_at FROM organisations ORDER BY slug"))
            out.push_back(FromRow(r));
        return out;
    });
}

std::optional<Organisation> OrganisationService::FindBySlugOrId(const std::string& key) {
    return store_.Read([&](store::Db& db) -> std::optional<Organisation> {
        auto r = db.QueryOne("SELECT id, slug, name, created_at FROM organisations WHERE slug = ? OR id = ?",
                             {V(key), V(key)});
        if (!r) return std::nullopt;
        return FromRow(*r);
    });
}

Organisation OrganisationService::Resolve(const std::string& key) {
    if (!key.empty()) {
        auto o = FindBySlugOrId(key);
        if (!o) throw Error::NotFound(fmt::format("no organisation '{}'", key));
        return *o;
    }
    auto all = List();
    if (all.empty()) throw Error::NotFound("the database has no organisation yet (isms init --org NAME)");
    if (all.size() > 1) {
        std::string names;
        for (const auto& o : all) names += (names.empty() ? "" : ", ") + o.slug;
        throw Error::InvalidInput(fmt::format("several organisations exist ({}): choose one with --org", names),
                                  {{"org", "required when several organisations exist"}});
    }
    return all.front();
}

}  // namespace isms::org
