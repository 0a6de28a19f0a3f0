#include "isms/risk/library.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/csv.hpp"
#include "isms/risk/json_input.hpp"

ISMS_DECLARE_EMBEDDED(risk_library)

namespace isms::risk {

using store::V;

namespace {

const std::vector<std::string> kThreatCategories = {"deliberate attack", "human error", "technical failure",
                                                    "environmental", "organisational"};
const std::vector<std::string> kVulnerabilityCategories = {"people", "process", "technology", "physical"};
const std::vector<std::string> kOrigins = {"deliberate", "accidental", "environmental"};
const std::vector<std::string> kCia = {"C", "I", "A"};

std::vector<std::string> SplitList(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= s.size()) {
        size_t j = s.find(';', i);
        if (j == std::string::npos) j = s.size();
        auto part = s.substr(i, j - i);
        if (!part.empty()) out.push_back(part);
        i = j + 1;
    }
    return out;
}

std::vector<LibraryEntry> LoadBuiltin(LibraryKind kind) {
    const char* file = kind == LibraryKind::kThreat ? "threats.csv" : "vulnerabilities.csv";
    auto text = embedded::Find(isms_embedded_risk_library(), file);
    if (!text) throw Error::Internal(fmt::format("the built-in library file {} is not embedded", file));
    auto doc = io::ParseCsv(*text);
    std::vector<LibraryEntry> out;
    for (const auto& r : doc.records) {
        auto col = [&](const char* name) {
            int i = doc.Column(name);
            return i < 0 ? std::string() : r.fields[i];
        };
        LibraryEntry e;
        e.kind = kind;
        e.id = col("id");
        e.category = col("category");
        e.name = col("name");
        e.description = col("description");
        e.builtin = true;
        if (kind == LibraryKind::kThreat) {
            e.origin = col("origin");
            e.affects = SplitList(col("affects"));
        } else {
            e.controls = SplitList(col("controls"));
        }
        out.push_back(std::move(e));
    }
    return out;
}

bool ValidOwnId(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

Json Extra(const LibraryEntry& e) {
    return {{"origin", e.origin}, {"affects", e.affects}, {"controls", e.controls}};
}

LibraryEntry FromRow(LibraryKind kind, const store::Row& r) {
    LibraryEntry e;
    e.kind = kind;
    e.id = r.Str("id");
    e.category = r.Str("category");
    e.name = r.Str("name");
    e.description = r.Str("description");
    Json x = r.JsonAt(5);
    e.origin = x.value("origin", "");
    e.affects = x.value("affects", std::vector<std::string>{});
    e.controls = x.value("controls", std::vector<std::string>{});
    e.builtin = r.Int("builtin") != 0;
    e.edited = e.builtin;
    e.retired = r.Int("retired") != 0;
    e.row_version = r.Int("row_version");
    return e;
}

constexpr const char* kSelect =
    "SELECT id, category, name, description, builtin, extra_json, retired, row_version FROM risk_library "
    "WHERE org_id = ? AND kind = ?";

}  // namespace

std::string_view KindName(LibraryKind k) { return k == LibraryKind::kThreat ? "threat" : "vulnerability"; }

LibraryKind ParseKind(std::string_view s) {
    if (s == "threat" || s == "threats") return LibraryKind::kThreat;
    if (s == "vulnerability" || s == "vulnerabilities") return LibraryKind::kVulnerability;
    throw Error::InvalidInput(fmt::format("'{}' is not a library kind", s),
                              {{"kind", "unknown", {"threats", "vulnerabilities"}}});
}

Json LibraryEntry::ToJson() const {
    Json j = {{"kind", KindName(kind)}, {"id", id},           {"category", category}, {"name", name},
              {"description", description}, {"builtin", builtin}, {"edited", edited},   {"retired", retired},
              {"version", row_version}};
    if (kind == LibraryKind::kThreat) {
        j["origin"] = origin;
        j["affects"] = affects;
    } else {
        j["controls"] = controls;
    }
    return j;
}

LibraryInput LibraryInput::FromJson(const Json& j) {
    JsonInput in(j, {"id", "category", "name", "description", "origin", "affects", "controls", "retired"});
    LibraryInput out;
    out.id = in.OptString("id");
    out.category = in.OptString("category");
    out.name = in.OptString("name");
    out.description = in.OptString("description");
    out.origin = in.OptString("origin");
    out.affects = in.OptStrings("affects");
    out.controls = in.OptStrings("controls");
    out.retired = in.OptBool("retired");
    in.Finish();
    return out;
}

const std::vector<LibraryEntry>& RiskLibrary::Builtin(LibraryKind kind) {
    static const std::vector<LibraryEntry> threats = LoadBuiltin(LibraryKind::kThreat);
    static const std::vector<LibraryEntry> vulns = LoadBuiltin(LibraryKind::kVulnerability);
    return kind == LibraryKind::kThreat ? threats : vulns;
}

std::vector<std::string> RiskLibrary::Categories(LibraryKind kind) {
    return kind == LibraryKind::kThreat ? kThreatCategories : kVulnerabilityCategories;
}

std::vector<std::string> RiskLibrary::Origins() { return kOrigins; }

std::vector<LibraryEntry> RiskLibrary::Load(store::Db& db, const std::string& org_id, LibraryKind kind) {
    std::map<std::string, LibraryEntry> by_id;
    for (const auto& e : Builtin(kind)) by_id[e.id] = e;
    for (const auto& r : db.Query(kSelect, {V(org_id), V(KindName(kind))})) {
        auto e = FromRow(kind, r);
        by_id[e.id] = std::move(e);
    }
    std::vector<LibraryEntry> out;
    // Built-in ids first in shipped order, then the organisation's own in id order.
    for (const auto& b : Builtin(kind)) {
        out.push_back(std::move(by_id.at(b.id)));
        by_id.erase(b.id);
    }
    for (auto& [id, e] : by_id) out.push_back(std::move(e));
    return out;
}

std::vector<LibraryEntry> RiskLibrary::List(const Context& ctx, LibraryKind kind, bool include_retired) {
    RequirePermission(ctx, Permission::kRead);
    auto all = store_.Read([&](store::Db& db) { return Load(db, ctx.org_id, kind); });
    if (!include_retired) std::erase_if(all, [](const LibraryEntry& e) { return e.retired; });
    return all;
}

std::optional<LibraryEntry> RiskLibrary::Find(const Context& ctx, LibraryKind kind, const std::string& id) {
    for (auto& e : List(ctx, kind, true))
        if (e.id == id) return e;
    return std::nullopt;
}

void RiskLibrary::ValidateEntry(const Context& ctx, LibraryEntry& e) {
    std::vector<ErrorDetail> errs;
    if (e.name.empty() || e.name.size() > 200) errs.push_back({"name", "required, 1 to 200 characters"});
    if (e.description.size() > 4000) errs.push_back({"description", "at most 4000 characters"});
    auto cats = Categories(e.kind);
    if (std::find(cats.begin(), cats.end(), e.category) == cats.end())
        errs.push_back({"category", fmt::format("'{}' is not a {} category", e.category, KindName(e.kind)), cats});
    if (e.kind == LibraryKind::kThreat) {
        if (std::find(kOrigins.begin(), kOrigins.end(), e.origin) == kOrigins.end())
            errs.push_back({"origin", fmt::format("'{}' is not an origin", e.origin), kOrigins});
        for (auto& a : e.affects) {
            if (a == "c" || a == "i" || a == "a") a = static_cast<char>(std::toupper(a[0]));
            if (std::find(kCia.begin(), kCia.end(), a) == kCia.end())
                errs.push_back({"affects", fmt::format("'{}' is not a security property", a), kCia});
        }
        if (!e.controls.empty()) errs.push_back({"controls", "only vulnerabilities list controls"});
    } else {
        if (!e.origin.empty()) errs.push_back({"origin", "only threats have an origin"});
        if (!e.affects.empty()) errs.push_back({"affects", "only threats list affected properties"});
        if (!e.controls.empty()) {
            std::set<std::string> ids;
            for (const auto& c : AnnexAControls(catalog_, ctx)) ids.insert(c.id);
            for (const auto& c : e.controls)
                if (!ids.count(c))
                    errs.push_back({"controls", fmt::format("'{}' is not an Annex A control (5.1 to 8.34)", c)});
        }
    }
    if (!errs.empty()) {
        std::string msg = fmt::format("the {} is not valid: {} {}", KindName(e.kind), errs[0].field, errs[0].message);
        throw Error::InvalidInput(msg, std::move(errs));
    }
}

namespace {
void Apply(LibraryEntry& e, const LibraryInput& in) {
    if (in.category) e.category = *in.category;
    if (in.name) e.name = *in.name;
    if (in.description) e.description = *in.description;
    if (in.origin) e.origin = *in.origin;
    if (in.affects) e.affects = *in.affects;
    if (in.controls) e.controls = *in.controls;
    if (in.retired) e.retired = *in.retired;
}
}  // namespace

LibraryEntry RiskLibrary::Add(const Context& ctx, LibraryKind kind, const LibraryInput& in) {
    RequirePermission(ctx, Permission::kRiskWrite);
    LibraryEntry e;
    e.kind = kind;
    Apply(e, in);
    if (in.id && !ValidOwnId(*in.id))
        throw Error::InvalidInput(fmt::format("'{}' is not a valid id: use letters, digits, '-', '_' or '.' (at most "
                                              "32)",
                                              *in.id),
                                  {{"id", "invalid"}});
    ValidateEntry(ctx, e);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        if (in.id) {
            e.id = *in.id;
            bool taken = std::any_of(Builtin(kind).begin(), Builtin(kind).end(),
                                     [&](const LibraryEntry& b) { return b.id == e.id; }) ||
                         tx.QueryOne("SELECT id FROM risk_library WHERE org_id = ? AND kind = ? AND id = ?",
                                     {V(ctx.org_id), V(KindName(kind)), V(e.id)});
            if (taken) throw Error::Conflict(fmt::format("the {} id '{}' exists already", KindName(kind), e.id));
        } else {
            // The organisation's own entries are numbered TC-1, TC-2 … / VC-1, VC-2 … (C for custom).
            std::string prefix = kind == LibraryKind::kThreat ? "TC-" : "VC-";
            int64_t n = 0;
            for (const auto& r : tx.Query("SELECT id FROM risk_library WHERE org_id = ? AND kind = ? AND builtin = 0",
                                          {V(ctx.org_id), V(KindName(kind))})) {
                auto id = r.Str(0);
                if (id.rfind(prefix, 0) == 0) {
                    try {
                        n = std::max<int64_t>(n, std::stoll(id.substr(prefix.size())));
                    } catch (const std::exception&) {
                    }
                }
            }
            e.id = prefix + std::to_string(n + 1);
        }
        e.row_version = 1;
        tx.Exec("INSERT INTO risk_library (org_id, kind, id, category, name, description, builtin, extra_json, "
                "retired, updated_at, row_version) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 1)",
                {V(ctx.org_id), V(KindName(kind)), V(e.id), V(e.category), V(e.name), V(e.description),
                 V(Extra(e).dump()), V(e.retired), V(time::NowUtc())});
        tx.Log(ctx.org_id, std::string("risk_") + std::string(KindName(kind)), e.id, "create", nullptr, e.ToJson());
        return e;
    });
}

LibraryEntry RiskLibrary::Edit(const Context& ctx, LibraryKind kind, const std::string& id, const LibraryInput& in,
                               std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    if (in.id && *in.id != id) throw Error::InvalidInput("the id of a library entry cannot be changed", {{"id", "read-only"}});
    auto current = Find(ctx, kind, id);
    if (!current) throw Error::NotFound(fmt::format("no {} '{}' in the library", KindName(kind), id));
    LibraryEntry e = *current;
    Apply(e, in);
    ValidateEntry(ctx, e);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto row = tx.QueryOne("SELECT row_version FROM risk_library WHERE org_id = ? AND kind = ? AND id = ?",
                               {V(ctx.org_id), V(KindName(kind)), V(id)});
        int64_t stored = row ? row->Int(0) : 0;
        if (expected_version && *expected_version != stored)
            throw Error(ErrorCode::kPreconditionFailed,
                        fmt::format("{} '{}' was changed by someone else (version {} is current, not {}): reload and "
                                    "try again",
                                    KindName(kind), id, stored, *expected_version));
        e.row_version = stored + 1;
        e.edited = e.builtin;
        if (row) {
            tx.Exec("UPDATE risk_library SET category = ?, name = ?, description = ?, extra_json = ?, retired = ?, "
                    "updated_at = ?, row_version = ? WHERE org_id = ? AND kind = ? AND id = ?",
                    {V(e.category), V(e.name), V(e.description), V(Extra(e).dump()), V(e.retired), V(time::NowUtc()),
                     V(e.row_version), V(ctx.org_id), V(KindName(kind)), V(id)});
        } else {
            tx.Exec("INSERT INTO risk_library (org_id, kind, id, category, name, description, builtin, extra_json, "
                    "retired, updated_at, row_version) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                    {V(ctx.org_id), V(KindName(kind)), V(id), V(e.category), V(e.name), V(e.description),
                     V(Extra(e).dump()), V(e.retired), V(time::NowUtc()), V(e.row_version)});
        }
        tx.Log(ctx.org_id, std::string("risk_") + std::string(KindName(kind)), id, "update", current->ToJson(),
               e.ToJson());
        return e;
    });
}

}  // namespace isms::risk
