// isms quant estimate set|show|list|delete, isms quant run|runs|show|reproduce|simulate
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/quant/quant_service.hpp"

namespace isms::cli {

namespace {

Json ReadJsonFile(const std::string& path) {
    std::string text;
    if (path == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error::NotFound("cannot read " + path);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    return ParseUserJson(text, path);
}

std::string Money(double v) { return fmt::format("{:.0f}", v); }
std::string Pct(double v) { return fmt::format("{:.1f}%", v * 100); }

void PrintResult(const Json& result, const Globals& g, const std::string& run_id) {
    if (g.format == "json") {
        PrintJson(run_id.empty() ? result : Json{{"id", run_id}, {"result", result}});
        return;
    }
    io::Table t{{"", "inherent"}, {}};
    bool residual = result.contains("residual");
    if (residual) t.columns.push_back("residual");
    auto row = [&](const std::string& label, const char* key, bool pct = false) {
        std::vector<std::string> r{label};
        for (const char* part : {"inherent", "residual"}) {
            if (!result.contains(part)) continue;
            double v = result[part]["portfolio"][key].get<double>();
            r.push_back(pct ? Pct(v) : Money(v));
        }
        t.rows.push_back(r);
    };
    row("expected annual loss (mean)", "mean");
    row("standard deviation", "sd");
    row("median (p50)", "p50");
    row("p90", "p90");
    row("p95", "p95");
    row("p99", "p99");
    row("probability of no loss", "p_zero", true);
    if (!run_id.empty()) Say(g, "run " + run_id + ":");
    Print(t, g);
    if (residual && g.format == "table") {
        const Json& v = result["treatment_value"];
        std::cout << fmt::format("\ntreatments: expected loss reduced by {} per year at a cost of {} per year", 
                                 Money(v["reduction"].get<double>()), Money(v["annual_cost"].get<double>()));
        if (!v["rosi"].is_null()) std::cout << fmt::format(" (return on security investment {})", Pct(v["rosi"].get<double>()));
        std::cout << "\n";
    }
    io::Table risks{{"risk", "title", "mean", "share of mean", "p(no loss)"}, {}};
    for (const auto& r : result["inherent"]["risks"])
        risks.rows.push_back({r["id"], r["title"], Money(r["mean"].get<double>()),
                              Pct(r["share_of_mean"].get<double>()), Pct(r["p_zero"].get<double>())});
    if (g.format == "table") std::cout << "\ncontribution per risk\n";
    Print(risks, g);
    if (!result["inherent"]["sensitivity"].empty()) {
        io::Table s{{"risk", "input", "p95 at -10%", "p95 at +10%", "swing"}, {}};
        for (const auto& x : result["inherent"]["sensitivity"])
            s.rows.push_back({x["risk_id"], x["input"], Money(x["p95_low"].get<double>()),
                              Money(x["p95_high"].get<double>()), Money(x["swing"].get<double>())});
        if (g.format == "table") std::cout << "\nsensitivity (which input moves the 95th percentile most)\n";
        Print(s, g);
    }
}

void WriteSvg(const std::string& path, const Json& result, const std::string& title) {
    if (path.empty()) return;
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error::Unavailable("cannot write " + path);
    out << quant::QuantService::LossExceedanceSvg(result, title);
}

}  // namespace

void RegisterQuant(CLI::App& root, Globals& g) {
    auto* quant = root.add_subcommand("quant", "quantitative risk (FAIR Monte Carlo): estimates, simulations");
    quant->require_subcommand(1);

    auto* est = quant->add_subcommand("estimate", "a risk's quantitative estimate (loss event frequency and magnitude)");
    est->require_subcommand(1);
    static std::string risk_id, json_file;
    auto* set = est->add_subcommand("set", "set a risk's estimate from a JSON file (- for stdin); see docs/quant.md");
    set->add_option("risk", risk_id, "risk id")->required();
    set->add_option("--json", json_file, "JSON file with frequency, magnitude, secondary, treatments")->required();
    set->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto e = app->quant().SetEstimate(ctx, risk_id, ReadJsonFile(json_file));
        Say(g, fmt::format("estimate of {} ({}) saved", e.risk_id, e.title));
    });
    auto* show = est->add_subcommand("show", "show a risk's estimate");
    show->add_option("risk", risk_id, "risk id")->required();
    show->callback([&g] {
        auto app = OpenApp(g);
        auto e = app->quant().GetEstimate(CliContext(*app, g), risk_id);
        if (!e) throw Error::NotFound(fmt::format("risk '{}' has no quantitative estimate", risk_id));
        PrintJson(e->model);
    });
    est->add_subcommand("list", "risks with an estimate")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"risk", "title", "frequency", "magnitude", "updated_at", "updated_by"}, {}};
        for (const auto& e : app->quant().ListEstimates(CliContext(*app, g)))
            t.rows.push_back({e.risk_id, e.title, e.model.value("frequency", Json()).value("dist", "decomposition"),
                              e.model.value("magnitude", e.model.value("primary", Json::object())).value("dist", ""),
                              e.updated_at, e.updated_by});
        Print(t, g);
    });
    auto* del = est->add_subcommand("delete", "remove a risk's estimate");
    del->add_option("risk", risk_id, "risk id")->required();
    del->callback([&g] {
        auto app = OpenApp(g);
        app->quant().DeleteEstimate(CliContext(*app, g), risk_id);
        Say(g, "estimate of " + risk_id + " removed");
    });

    static std::vector<std::string> risks;
    static uint64_t years = 100000, seed = 1;
    static int threads = 0;
    static std::string mode = "compound", svg;
    static bool sensitivity = false;
    auto options = [] {
        Json o = {{"years", years}, {"seed", seed}, {"threads", threads}, {"mode", mode}, {"sensitivity", sensitivity}};
        return quant::QuantService::OptionsFromJson(o);
    };
    auto* run = quant->add_subcommand("run", "simulate the organisation's risks (all with an estimate, or --risk …) "
                                             "and store the run with its inputs and seed");
    static std::string where;
    run->add_option("--risk", risks, "only these risks (repeatable)");
    run->add_option("--where", where,
                    "only the risks this clause selects, e.g. \"level in (high, critical) and cia = C\" (fields: "
                    "id, title, owner, status, approach, assets, threats, vulnerabilities, cia, level, residual_level, "
                    "treatment, controls, closed, accepted)");
    run->add_option("--years", years, "simulated years")->capture_default_str();
    run->add_option("--seed", seed, "random seed (the same seed reproduces the same figures)")->capture_default_str();
    run->add_option("--threads", threads, "threads (0 = all cores); results do not depend on it");
    run->add_option("--mode", mode, "compound (Poisson events, default) or product (pyfair-compatible)");
    run->add_flag("--sensitivity", sensitivity, "rank inputs by how much ±10 % moves the 95th percentile");
    run->add_option("--svg", svg, "also write the loss-exceedance curve to this SVG file");
    run->callback([&g, options] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        quant::RunRequest req{risks, where, options()};
        auto stored = app->quant().Run(ctx, req);
        WriteSvg(svg, stored.result, "Loss exceedance");
        PrintResult(stored.result, g, stored.id);
    });
    quant->add_subcommand("runs", "stored simulation runs")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"id", "created_at", "created_by", "years", "seed", "mean"}, {}};
        for (const auto& r : app->quant().ListRuns(CliContext(*app, g)))
            t.rows.push_back({r.id, r.created_at, r.created_by, r.options["years"].dump(), r.options["seed"].dump(),
                              Money(r.result["inherent"]["portfolio"]["mean"].get<double>())});
        Print(t, g);
    });
    static std::string run_id;
    auto* show_run = quant->add_subcommand("show", "a stored run's results");
    show_run->add_option("run", run_id, "run id")->required();
    show_run->add_option("--svg", svg, "write the loss-exceedance curve to this SVG file");
    show_run->callback([&g] {
        auto app = OpenApp(g);
        auto r = app->quant().GetRun(CliContext(*app, g), run_id);
        WriteSvg(svg, r.result, "Loss exceedance");
        PrintResult(r.result, g, r.id);
    });
    auto* repro = quant->add_subcommand("reproduce", "re-simulate a stored run from its inputs and seed; exit 1 if "
                                                     "any figure differs");
    repro->add_option("run", run_id, "run id")->required();
    repro->callback([&g] {
        auto app = OpenApp(g);
        auto r = app->quant().Reproduce(CliContext(*app, g), run_id);
        bool same = r["identical"].get<bool>();
        Say(g, same ? "reproduced: every figure is identical" : "NOT reproduced: the figures differ");
        if (r.contains("note")) Say(g, r["note"].get<std::string>());
        if (g.format == "json") PrintJson(r);
        if (!same) throw CLI::RuntimeError(1);
    });
    static std::string model_file;
    auto* sim = quant->add_subcommand("simulate", "what-if: simulate risk models from a JSON file "
                                                  "({\"risks\": […], \"options\": {…}}); nothing is stored");
    sim->add_option("file", model_file, "JSON file (- for stdin)")->required();
    sim->add_option("--svg", svg, "write the loss-exceedance curve to this SVG file");
    sim->callback([&g] {
        Context local = Context::System();
        Json body = ReadJsonFile(model_file);
        auto result = quant::QuantService::SimulateInline(local, body);
        WriteSvg(svg, result, "Loss exceedance");
        PrintResult(result, g, "");
    });
}

}  // namespace isms::cli
