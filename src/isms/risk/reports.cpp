#include "isms/risk/reports.hpp"

#include <fmt/format.h>

#include <set>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/xlsx.hpp"

namespace isms::risk {

namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep = "; ") {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

std::string Xml(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const RiskLevel* LevelOf(const ReportData& d, const std::optional<Score>& s) {
    if (!s) return nullptr;
    auto it = d.criteria.find(s->criteria_version);
    if (it == d.criteria.end()) return nullptr;
    auto idx = it->second.FindLevel(s->level);
    return idx ? &it->second.levels[*idx] : nullptr;
}

std::string LevelName(const ReportData& d, const std::optional<Score>& s) {
    const RiskLevel* l = LevelOf(d, s);
    return l ? l->name : s ? s->level : "";
}

std::string Colour(const ReportData& d, const std::optional<Score>& s) {
    const RiskLevel* l = LevelOf(d, s);
    return l ? l->colour : "";
}

bool IsDark(const std::string& colour) {
    if (colour.size() != 7) return false;
    auto rgb = std::stoul(colour.substr(1), nullptr, 16);
    double r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    return 0.299 * r + 0.587 * g + 0.114 * b < 140;
}

std::string Num(const std::optional<Score>& s, bool likelihood) {
    if (!s) return "";
    return std::to_string(likelihood ? s->likelihood : s->consequence);
}

std::vector<std::string> Names(const ReportData& d, const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) out.push_back(d.Name(id));
    return out;
}

int OpenActions(const Risk& k) {
    int n = 0;
    for (const auto& a : k.actions) n += a.status == "open" || a.status == "in_progress";
    return n;
}

int OverdueActions(const Risk& k, const std::string& today) {
    int n = 0;
    for (const auto& a : k.actions) n += a.Overdue(today);
    return n;
}

const std::vector<std::string> kRegisterColumns = {
    "id",          "title",          "approach",      "assets",         "scenario",         "threats",
    "vulnerabilities", "owner",      "cia",           "likelihood",     "consequence",      "inherent_level",
    "existing_controls", "treatment", "controls",     "own_controls",   "residual_likelihood",
    "residual_consequence", "residual_level", "status", "accepted_by",   "accepted_on",      "open_actions",
    "overdue_actions", "review_date", "criteria_version"};

}  // namespace

std::string ReportData::Name(const std::string& id) const {
    auto it = names.find(id);
    return it == names.end() || it->second.empty() ? id : id + " " + it->second;
}

io::Table RegisterTable(const ReportData& d) {
    io::Table t{kRegisterColumns, {}};
    for (const auto& k : d.risks) {
        const auto& residual = k.treatment ? k.treatment->residual : std::optional<Score>{};
        t.rows.push_back({k.id,
                          k.title,
                          std::string(ApproachName(k.approach)),
                          Join(Names(d, k.assets)),
                          k.scenario,
                          Join(Names(d, k.threats)),
                          Join(Names(d, k.vulnerabilities)),
                          d.Name(k.owner),
                          k.cia.ToString(),
                          Num(k.inherent, true),
                          Num(k.inherent, false),
                          LevelName(d, k.inherent),
                          k.existing_controls,
                          k.treatment ? std::string(OptionName(k.treatment->option)) : "",
                          k.treatment ? Join(k.treatment->controls) : "",
                          k.treatment ? Join(k.treatment->own_controls) : "",
                          Num(residual, true),
                          Num(residual, false),
                          LevelName(d, residual),
                          k.status,
                          k.acceptance ? d.Name(k.acceptance->person_id) : "",
                          k.acceptance ? k.acceptance->at.substr(0, 10) : "",
                          std::to_string(OpenActions(k)),
                          std::to_string(OverdueActions(k, d.today)),
                          k.review_date,
                          k.inherent ? std::to_string(k.inherent->criteria_version) : ""});
    }
    return t;
}

io::Table ActionsTable(const ReportData& d) {
    io::Table t{{"id", "risk", "action", "owner", "due_date", "status", "control", "completed_on", "overdue", "notes"},
                {}};
    std::vector<const TreatmentAction*> all;
    for (const auto& k : d.risks)
        for (const auto& a : k.actions) all.push_back(&a);
    std::stable_sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->due_date < b->due_date; });
    for (const auto* a : all)
        t.rows.push_back({a->id, a->risk_id, a->title, d.Name(a->owner), a->due_date, a->status, a->control,
                          a->completed_on, a->Overdue(d.today) ? "yes" : "", a->notes});
    return t;
}

std::string RegisterXlsx(const ReportData& d) {
    io::XlsxDocument doc;
    doc.title = "Risk register — " + d.organisation;
    doc.subject = "Risk assessment and treatment (ISO/IEC 27001 6.1.2, 6.1.3, 8.2, 8.3)";
    doc.author = d.organisation;

    auto reg = RegisterTable(d);
    io::XlsxSheet s;
    s.name = "Risk register";
    std::set<std::string> wrap = {"title", "assets", "scenario", "threats", "vulnerabilities", "existing_controls"};
    std::set<std::string> numeric = {"likelihood",   "consequence",     "residual_likelihood", "residual_consequence",
                                     "open_actions", "overdue_actions", "criteria_version"};
    for (const auto& c : reg.columns)
        s.columns.push_back({c, wrap.count(c) ? 40.0 : 0.0, wrap.count(c) > 0, numeric.count(c) > 0});
    s.rows = std::move(reg.rows);
    s.freeze_columns = 2;
    size_t inh = 11, res = 18, overdue = 23;
    for (const auto& k : d.risks) {
        std::vector<std::string> fill(kRegisterColumns.size());
        fill[inh] = Colour(d, k.inherent);
        if (k.treatment) fill[res] = Colour(d, k.treatment->residual);
        if (OverdueActions(k, d.today) > 0) fill[overdue] = "#f8d7da";
        s.fills.push_back(std::move(fill));
    }
    doc.sheets.push_back(std::move(s));

    auto acts = ActionsTable(d);
    io::XlsxSheet a;
    a.name = "Treatment actions";
    for (const auto& c : acts.columns) a.columns.push_back({c, c == "action" || c == "notes" ? 45.0 : 0.0, c == "action" || c == "notes"});
    for (const auto& row : acts.rows) a.fills.push_back({"", "", "", "", row[8] == "yes" ? "#f8d7da" : ""});
    a.rows = std::move(acts.rows);
    a.freeze_columns = 1;
    doc.sheets.push_back(std::move(a));

    // The matrix the levels come from: the reader of the register sees what "high" means.
    io::XlsxSheet m;
    m.name = "Risk criteria";
    m.autofilter = false;
    const auto& c = d.current;
    m.columns.push_back({fmt::format("likelihood \\ consequence (version {})", c.version), 34});
    for (const auto& x : c.consequence) m.columns.push_back({fmt::format("{} {}", x.value, x.name), 16, true});
    for (int l = static_cast<int>(c.likelihood.size()); l >= 1; --l) {
        std::vector<std::string> row = {fmt::format("{} {}", l, c.likelihood[l - 1].name)};
        std::vector<std::string> fill = {""};
        for (size_t k = 0; k < c.consequence.size(); ++k) {
            const auto& lv = c.levels[c.matrix[l - 1][k]];
            row.push_back(lv.name);
            fill.push_back(lv.colour);
        }
        m.rows.push_back(std::move(row));
        m.fills.push_back(std::move(fill));
    }
    m.rows.push_back({});
    m.rows.push_back({"level", "acceptance"});
    for (const auto& lv : c.levels) {
        m.rows.push_back({lv.name, std::string(AuthorityName(lv.acceptance))});
        m.fills.resize(m.rows.size());
        m.fills.back() = {lv.colour};
    }
    doc.sheets.push_back(std::move(m));
    return io::WriteXlsx(doc);
}

std::string HeatMapSvg(const ReportData& d) {
    const auto& c = d.current;
    const int nl = static_cast<int>(c.likelihood.size()), nc = static_cast<int>(c.consequence.size());
    const int cell_w = 84, cell_h = 54, left = 118, top = 58, gap = left;
    const int grid_w = nc * cell_w, grid_h = nl * cell_h;
    const int width = left + 2 * grid_w + gap + 20, height = top + grid_h + 88;
    // counts[grid][l][c] and the ids in each cell (for the tooltip).
    std::vector<std::vector<std::vector<std::vector<std::string>>>> ids(
        2, std::vector<std::vector<std::vector<std::string>>>(nl, std::vector<std::vector<std::string>>(nc)));
    int older = 0, unscored = 0;
    for (const auto& k : d.risks) {
        if (k.closed) continue;
        if (!k.inherent) {
            ++unscored;
            continue;
        }
        if (k.inherent->criteria_version != c.version) {
            ++older;
            continue;
        }
        auto place = [&](int grid, const Score& s) {
            if (s.likelihood >= 1 && s.likelihood <= nl && s.consequence >= 1 && s.consequence <= nc)
                ids[grid][s.likelihood - 1][s.consequence - 1].push_back(k.id);
        };
        place(0, *k.inherent);
        place(1, k.treatment && k.treatment->residual ? *k.treatment->residual : *k.inherent);
    }
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
        "font-family=\"Helvetica, Arial, sans-serif\" role=\"img\" aria-labelledby=\"hm-title\">\n"
        "<title id=\"hm-title\">Risk heat map of {2}: inherent and residual risk (criteria version {3})</title>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        width, height, Xml(d.organisation), c.version);
    for (int g = 0; g < 2; ++g) {
        int x0 = left + g * (grid_w + gap);
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">{}"
                           "</text>\n",
                           x0 + grid_w / 2, top - 30, g == 0 ? "Inherent risk" : "Residual risk (planned)");
        for (int l = nl; l >= 1; --l) {
            int y = top + (nl - l) * cell_h;
            svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{} {}</text>\n",
                               x0 - 8, y + cell_h / 2 + 4, l, Xml(c.likelihood[l - 1].name));
            for (int k = 1; k <= nc; ++k) {
                int x = x0 + (k - 1) * cell_w;
                const auto& lv = c.levels[c.matrix[l - 1][k - 1]];
                const auto& cell = ids[g][l - 1][k - 1];
                std::string tip = fmt::format("{} × {}: {} ({} risk{})", c.likelihood[l - 1].name,
                                              c.consequence[k - 1].name, lv.name, cell.size(),
                                              cell.size() == 1 ? "" : "s");
                if (!cell.empty()) tip += ": " + Join(cell, ", ");
                svg += fmt::format("<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                                   "fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
                                   Xml(tip), x, y, cell_w, cell_h, lv.colour);
                if (!cell.empty())
                    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"18\" font-weight=\"bold\" "
                                       "text-anchor=\"middle\" fill=\"{}\">{}</text>",
                                       x + cell_w / 2, y + cell_h / 2 + 6, IsDark(lv.colour) ? "#ffffff" : "#1a1a1a",
                                       cell.size());
                svg += "</g>\n";
            }
        }
        for (int k = 1; k <= nc; ++k)
            svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{} {}</text>\n",
                               x0 + (k - 1) * cell_w + cell_w / 2, top + grid_h + 16, k,
                               Xml(c.consequence[k - 1].name));
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">consequence</text>\n",
                           x0 + grid_w / 2, top + grid_h + 36);
        svg += fmt::format("<text x=\"{0}\" y=\"{1}\" font-size=\"12\" text-anchor=\"middle\" "
                           "transform=\"rotate(-90 {0} {1})\">likelihood</text>\n",
                           x0 - left + 14, top + grid_h / 2);
    }
    // Legend.
    int lx = left;
    for (const auto& lv : c.levels) {
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
                           "font-size=\"11\">{}</text>\n",
                           lx, height - 30, lv.colour, lx + 18, height - 19, Xml(lv.name));
        lx += 30 + static_cast<int>(lv.name.size()) * 7;
    }
    if (older || unscored)
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555555\">Not shown: {} risk{} scored on "
                           "earlier criteria, {} not yet scored.</text>\n",
                           lx + 10, height - 19, older, older == 1 ? "" : "s", unscored);
    svg += "</svg>\n";
    return svg;
}

std::string TreatmentPlanHtml(const ReportData& d) {
    std::string h;
    h += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += fmt::format("<title>Risk treatment plan — {}</title>\n", Xml(d.organisation));
    h += R"(<style>
body { font: 11pt/1.4 Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 2em; }
h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 13pt; margin-top: 2em; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 1.4em 0 0.3em; }
.meta { color: #555; margin-top: 0.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 9.5pt; }
th { background: #e8ecf1; }
.level { padding: 1px 6px; border-radius: 3px; white-space: nowrap; }
.overdue { background: #f8d7da; }
.risk { page-break-inside: avoid; }
.plan { white-space: pre-wrap; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } a { color: inherit; text-decoration: none; } }
</style></head><body>
)";
    h += fmt::format("<h1>Risk treatment plan</h1>\n<p class=\"meta\">{} · generated {} · risk criteria version {}</p>\n",
                     Xml(d.organisation), Xml(d.generated_at.substr(0, 10)), d.current.version);
    auto badge = [&](const std::optional<Score>& s) -> std::string {
        if (!s) return "—";
        std::string colour = Colour(d, s);
        return fmt::format("<span class=\"level\" style=\"background:{};color:{}\">{}</span> {} × {}",
                           colour.empty() ? "#eeeeee" : colour, IsDark(colour) ? "#ffffff" : "#1a1a1a",
                           Xml(LevelName(d, s)), s->likelihood, s->consequence);
    };
    // Summary: how many open risks per level, before and after treatment.
    h += "<h2>Summary</h2>\n<table><tr><th>level</th><th>inherent</th><th>residual (planned)</th></tr>\n";
    for (const auto& lv : d.current.levels) {
        int inh = 0, res = 0;
        for (const auto& k : d.risks) {
            if (k.closed || !k.inherent || k.inherent->criteria_version != d.current.version) continue;
            inh += k.inherent->level == lv.id;
            const auto& r = k.treatment && k.treatment->residual ? *k.treatment->residual : *k.inherent;
            res += r.level == lv.id;
        }
        h += fmt::format("<tr><td><span class=\"level\" style=\"background:{};color:{}\">{}</span></td><td>{}</td>"
                         "<td>{}</td></tr>\n",
                         lv.colour, IsDark(lv.colour) ? "#ffffff" : "#1a1a1a", Xml(lv.name), inh, res);
    }
    h += "</table>\n";
    h += HeatMapSvg(d);

    h += "<h2>Treatment per risk</h2>\n";
    int shown = 0;
    for (const auto& k : d.risks) {
        if (k.closed || !k.treatment) continue;
        ++shown;
        const auto& t = *k.treatment;
        h += fmt::format("<div class=\"risk\"><h3>{} {}</h3>\n<table>\n", Xml(k.id), Xml(k.title));
        h += fmt::format("<tr><th style=\"width:22%\">owner</th><td>{}</td></tr>\n", Xml(d.Name(k.owner)));
        if (!k.assets.empty())
            h += fmt::format("<tr><th>assets</th><td>{}</td></tr>\n", Xml(Join(Names(d, k.assets))));
        if (!k.scenario.empty()) h += fmt::format("<tr><th>scenario</th><td>{}</td></tr>\n", Xml(k.scenario));
        h += fmt::format("<tr><th>inherent risk</th><td>{}</td></tr>\n", badge(k.inherent));
        h += fmt::format("<tr><th>treatment</th><td>{}</td></tr>\n", Xml(OptionName(t.option)));
        std::vector<std::string> controls = Names(d, t.controls);
        for (const auto& oc : t.own_controls) controls.push_back(d.Name(oc));
        for (auto& c : controls) c = Xml(c);
        if (!controls.empty()) h += fmt::format("<tr><th>controls</th><td>{}</td></tr>\n", Join(controls, "<br>"));
        if (!t.plan.empty()) h += fmt::format("<tr><th>plan</th><td class=\"plan\">{}</td></tr>\n", Xml(t.plan));
        h += fmt::format("<tr><th>residual risk (planned)</th><td>{}</td></tr>\n", badge(t.residual));
        std::string acc = "not yet accepted";
        if (k.acceptance)
            acc = fmt::format("accepted by {} on {}: “{}”", d.Name(k.acceptance->person_id),
                              k.acceptance->at.substr(0, 10), k.acceptance->comment);
        h += fmt::format("<tr><th>acceptance</th><td>{}</td></tr>\n</table>\n", Xml(acc));
        if (!k.actions.empty()) {
            h += "<table><tr><th>action</th><th>owner</th><th>due</th><th>status</th><th>control</th></tr>\n";
            for (const auto& a : k.actions)
                h += fmt::format("<tr{}><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                                 a.Overdue(d.today) ? " class=\"overdue\"" : "", Xml(a.id), Xml(a.title),
                                 Xml(d.Name(a.owner)), Xml(a.due_date), Xml(a.status), Xml(a.control));
            h += "</table>\n";
        }
        h += "</div>\n";
    }
    if (!shown) h += "<p>No risk has a treatment decision yet.</p>\n";
    h += "</body></html>\n";
    return h;
}

ReportData RiskReports::Gather(const Context& ctx, const std::string& organisation, bool include_closed) {
    ReportData d;
    d.organisation = organisation;
    d.generated_at = time::NowUtc();
    d.today = time::Today();
    RiskFilter f;
    f.include_closed = include_closed;
    d.risks = risks_.List(ctx, f);
    d.current = risks_.criteria().Current(ctx);
    for (const auto& c : risks_.criteria().History(ctx)) d.criteria.emplace(c.version, c);
    d.criteria.emplace(d.current.version, d.current);  // the unsaved default
    std::set<std::string> persons, assets;
    for (const auto& k : d.risks) {
        persons.insert(k.owner);
        assets.insert(k.assets.begin(), k.assets.end());
        for (const auto& a : k.actions) persons.insert(a.owner);
        if (k.acceptance) persons.insert(k.acceptance->person_id);
    }
    for (const auto& r : records_.Find(ctx, "person", {persons.begin(), persons.end()})) d.names[r.id] = r.title;
    for (const auto& r : records_.Find(ctx, "asset", {assets.begin(), assets.end()})) d.names[r.id] = r.title;
    for (auto kind : {LibraryKind::kThreat, LibraryKind::kVulnerability})
        for (const auto& e : library_.List(ctx, kind, true)) d.names[e.id] = e.name;
    for (const auto& c : AnnexAControls(catalog_, ctx)) d.names[c.id] = c.title;
    for (const auto& c : risks_.OwnControls(ctx)) d.names[c.id] = c.title;
    return d;
}

}  // namespace isms::risk
