// SoA derivation and risk-register XLSX export against the size of the register (docs/performance.md,
// "Risk register and SoA").
//
// For each size (default 500, 5,000 and 50,000 risks) a fresh SQLite store gets an organisation with 2,000
// assets, 60 persons, 20 obligations naming controls and N treated risks (1–3 assets, 1–2 threats, 1–2
// vulnerabilities, 2–4 Annex A controls each; fixed seed), imported through the services as a user's CSV
// import would be. Then it times, as the median of several runs:
//   derive  StatementOfApplicability::Current (catalog, decisions, risk usage, requirement records → 93 entries)
//   check   the "none overlooked" comparison on top of it
//   gather  reading the register for the export (risks, links, actions, names)
//   xlsx    rendering the register as XLSX (three sheets, colours by level)
// and prints one JSON line per size and a last line with the growth ratios (50,000 vs 5,000 run; the goal is
// at most 12, i.e. linear growth with some allowance).
//
// Usage: isms_bench_risk_soa [SIZES…]     e.g. isms_bench_risk_soa 500 5000
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include "isms/app/app.hpp"
#include "isms/io/csv.hpp"
#include "isms/io/table.hpp"
#include "isms/risk/reports.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using isms::Context;
using isms::Json;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

template <class F>
double Median(int runs, F&& f) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        f();
        t.push_back(Ms(Clock::now() - start));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

struct Result {
    int risks = 0;
    double setup_ms = 0, derive_ms = 0, check_ms = 0, gather_ms = 0, xlsx_ms = 0;
    size_t xlsx_bytes = 0;
};

Result Run(int n, const std::string& dir) {
    Result r;
    r.risks = n;
    std::string path = fmt::format("{}/bench-{}.db", dir, n);
    std::filesystem::remove(path);
    auto setup_start = Clock::now();
    isms::app::AppOptions o;
    o.db_url = path;
    o.create = true;
    isms::app::App app(o);
    auto org = app.organisations().Create(Context::System(), "Bench AB", "bench");
    Context ctx = Context::System(org.id);
    ctx.actor = "user:bench";
    std::mt19937 rng(42);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    // Persons and assets through the records module's import (one transaction each).
    {
        std::string persons = "id,name,email\n";
        for (int i = 1; i <= 60; ++i) persons += fmt::format("PER-{0},Person {0},p{0}@bench.example\n", i);
        app.records().Import(ctx, "person", isms::records::DataFormat::kCsv, persons);
        std::string assets = "id,name,asset_type,owner\n";
        for (int i = 1; i <= 2000; ++i) assets += fmt::format("AST-{0},Asset {0},information,PER-{1}\n", i, 1 + i % 60);
        app.records().Import(ctx, "asset", isms::records::DataFormat::kCsv, assets);
    }
    auto controls = isms::risk::AnnexAControls(app.catalog(), ctx);
    for (int i = 1; i <= 20; ++i) {
        Json list = Json::array();
        for (int k = 0; k < 3; ++k) list.push_back(controls[static_cast<size_t>(pick(0, 92))].id);
        app.records().Create(ctx, "legal_requirement",
                             {{"title", fmt::format("Obligation {}", i)}, {"kind", "contract"},
                              {"obligations", "Protect the customer's data"}, {"controls", list}});
    }
    // Risks with their treatment, in one import.
    std::vector<isms::risk::RiskInput> items;
    items.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        isms::risk::RiskInput in;
        in.title = fmt::format("Generated risk {}", i + 1);
        in.owner = fmt::format("PER-{}", 1 + pick(0, 59));
        std::vector<std::string> assets, threats, vulns, chosen;
        for (int k = pick(1, 3); k > 0; --k) assets.push_back(fmt::format("AST-{}", 1 + pick(0, 1999)));
        for (int k = pick(1, 2); k > 0; --k) threats.push_back(fmt::format("T{:02}", 1 + pick(0, 34)));
        for (int k = pick(1, 2); k > 0; --k) vulns.push_back(fmt::format("V{:02}", 1 + pick(0, 35)));
        for (int k = pick(2, 4); k > 0; --k) chosen.push_back(controls[static_cast<size_t>(pick(0, 92))].id);
        in.assets = assets;
        in.threats = threats;
        in.vulnerabilities = vulns;
        int l = pick(2, 5), c = pick(2, 5);
        in.likelihood = l;
        in.consequence = c;
        isms::risk::TreatmentInput t;
        t.option = "modify";
        t.controls = chosen;
        t.residual_likelihood = l - 1;
        t.residual_consequence = c;
        t.plan = "Generated treatment";
        in.treatment = t;
        items.push_back(std::move(in));
    }
    app.risks().CreateMany(ctx, items);
    // A few decisions, as people would make them.
    for (int i = 0; i < 30; ++i) {
        isms::soa::DecisionInput d;
        d.applicability = "applicable";
        d.inclusion_reason = "baseline";
        d.status = i % 2 ? "implemented" : "partial";
        app.soa().Decide(ctx, controls[static_cast<size_t>(i * 3)].id, d);
    }
    r.setup_ms = Ms(Clock::now() - setup_start);

    int runs = n >= 50000 ? 3 : 7;
    size_t entries = 0;
    app.soa().Current(ctx);  // warm the catalog snapshot cache, as a running server has it
    r.derive_ms = Median(runs, [&] { entries = app.soa().Current(ctx).size(); });
    if (entries != 93) throw std::runtime_error("the SoA does not have 93 entries");
    r.check_ms = Median(runs, [&] { app.soa().Check(ctx); });
    isms::risk::ReportData data;
    r.gather_ms = Median(runs, [&] { data = app.risk_reports().Gather(ctx, "Bench AB"); });
    if (data.risks.size() != static_cast<size_t>(n)) throw std::runtime_error("the register lost risks");
    r.xlsx_ms = Median(std::min(runs, 3), [&] { r.xlsx_bytes = isms::risk::RegisterXlsx(data).size(); });
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
    if (sizes.empty()) sizes = {500, 5000, 50000};
    auto dir = std::filesystem::temp_directory_path() / fmt::format("isms-bench-risk-{}", ::getpid());
    std::filesystem::create_directories(dir);
    std::map<int, Result> results;
    try {
        for (int n : sizes) {
            auto r = Run(n, dir.string());
            results[n] = r;
            std::cout << Json{{"benchmark", "risk_soa"},     {"risks", r.risks},         {"assets", 2000},
                              {"setup_ms", r.setup_ms},      {"derive_ms", r.derive_ms}, {"check_ms", r.check_ms},
                              {"gather_ms", r.gather_ms},    {"xlsx_ms", r.xlsx_ms},     {"xlsx_bytes", r.xlsx_bytes}}
                             .dump()
                      << std::endl;
        }
    } catch (const std::exception& e) {
        std::cerr << "benchmark failed: " << e.what() << "\n";
        std::filesystem::remove_all(dir);
        return 1;
    }
    std::filesystem::remove_all(dir);
    if (results.count(5000) && results.count(50000)) {
        const auto &a = results[5000], &b = results[50000];
        Json summary = {{"benchmark", "risk_soa_growth"},
                        {"derive_ratio_50000_vs_5000", b.derive_ms / a.derive_ms},
                        {"export_ratio_50000_vs_5000", (b.gather_ms + b.xlsx_ms) / (a.gather_ms + a.xlsx_ms)},
                        {"goal_max_ratio", 12}};
        summary["linear"] = summary["derive_ratio_50000_vs_5000"].get<double>() <= 12 &&
                            summary["export_ratio_50000_vs_5000"].get<double>() <= 12;
        std::cout << summary.dump() << std::endl;
    }
    return 0;
}
