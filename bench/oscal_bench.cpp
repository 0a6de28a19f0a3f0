// OSCAL throughput on NIST's SP 800-53 rev5 catalog: reading each format into the model, and validating
// (JSON Schema on the model, XSD on the XML text), each next to the bare third-party parse of the same bytes
// (nlohmann::json, pugixml, yaml-cpp) as the baseline of the same run. Reported as bytes_per_second.
//
//   build/bench/isms_bench_oscal [--benchmark_filter=…]
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <pugixml.hpp>

#include "isms/core/json.hpp"
#include "isms/oscal/document.hpp"
#include "isms/oscal/validate.hpp"

namespace {

using namespace isms::oscal;

const std::string& Text(const char* ext) {
    static std::map<std::string, std::string> cache;
    auto& t = cache[ext];
    if (t.empty())
        t = ReadText(std::string(ISMS_SOURCE_DIR) + "/tests/data/oscal/nist/800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog." + ext);
    return t;
}

void Bytes(benchmark::State& state, const std::string& t) {
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.size()));
}

void BaselineJson(benchmark::State& state) {
    const auto& t = Text("json");
    for (auto _ : state) benchmark::DoNotOptimize(isms::Json::parse(t));
    Bytes(state, t);
}
void ReadJson(benchmark::State& state) {
    const auto& t = Text("json");
    for (auto _ : state) benchmark::DoNotOptimize(Read(t, Format::kJson));
    Bytes(state, t);
}
void BaselineXml(benchmark::State& state) {
    const auto& t = Text("xml");
    for (auto _ : state) {
        pugi::xml_document d;
        benchmark::DoNotOptimize(d.load_buffer(t.data(), t.size(), pugi::parse_default | pugi::parse_ws_pcdata));
    }
    Bytes(state, t);
}
void ReadXml(benchmark::State& state) {
    const auto& t = Text("xml");
    for (auto _ : state) benchmark::DoNotOptimize(Read(t, Format::kXml));
    Bytes(state, t);
}
void BaselineYaml(benchmark::State& state) {
    const auto& t = Text("yaml");
    for (auto _ : state) benchmark::DoNotOptimize(YAML::Load(t));
    Bytes(state, t);
}
void ReadYaml(benchmark::State& state) {
    const auto& t = Text("yaml");
    for (auto _ : state) benchmark::DoNotOptimize(Read(t, Format::kYaml));
    Bytes(state, t);
}
void ValidateJson(benchmark::State& state) {  // JSON Schema + rules on the read document
    const auto& t = Text("json");
    for (auto _ : state) benchmark::DoNotOptimize(ValidateText(t, Format::kJson));
    Bytes(state, t);
}
void ValidateXml(benchmark::State& state) {  // XSD + read + rules
    const auto& t = Text("xml");
    for (auto _ : state) benchmark::DoNotOptimize(ValidateText(t, Format::kXml));
    Bytes(state, t);
}
void ValidateYaml(benchmark::State& state) {
    const auto& t = Text("yaml");
    for (auto _ : state) benchmark::DoNotOptimize(ValidateText(t, Format::kYaml));
    Bytes(state, t);
}

BENCHMARK(BaselineJson)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BaselineXml)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadXml)->Unit(benchmark::kMillisecond);
BENCHMARK(BaselineYaml)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadYaml)->Unit(benchmark::kMillisecond);
BENCHMARK(ValidateJson)->Unit(benchmark::kMillisecond);
BENCHMARK(ValidateXml)->Unit(benchmark::kMillisecond);
BENCHMARK(ValidateYaml)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
