// The README's short tour, run as a new user would type it, on a new store: if a command of the tour stops
// working (or its documented exit code changes), this test fails and names the README line.
//
// The block is taken from README.md as it stands (the first ```sh block after "## A short tour") and run by
// bash in a temporary folder with `build/isms` replaced by the binary under test. Three things differ from a
// user's terminal, each because a test has no terminal: the administrator's password is piped in
// (--password-stdin, which the README names), `isms serve` (which would run until stopped) is left out, and a
// line whose comment says "exit N" must end with exactly that exit code (every other line with 0).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

struct Tour {
    std::string script;               // the lines to run, as bash
    std::map<int, int> expected_exit;  // script line → exit code its comment documents
    std::map<int, int> readme_line;    // script line → README line, for messages
};

Tour ReadTour(const std::string& readme_path, const std::string& binary) {
    std::ifstream in(readme_path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    size_t i = 0;
    while (i < lines.size() && lines[i] != "## A short tour") ++i;
    while (i < lines.size() && lines[i] != "```sh") ++i;
    if (i >= lines.size()) throw std::runtime_error("README.md has no ```sh block after '## A short tour'");
    Tour t;
    int out_line = 0;
    const std::regex exit_comment(R"(#\s*exit (\d+))");
    for (++i; i < lines.size() && lines[i] != "```"; ++i) {
        std::string l = lines[i];
        if (l.rfind("build/isms serve", 0) == 0) continue;  // runs until stopped
        std::smatch m;
        if (std::regex_search(l, m, exit_comment)) t.expected_exit[out_line + 1] = std::stoi(m[1]);
        for (size_t p = 0; (p = l.find("build/isms", p)) != std::string::npos; p += binary.size())
            l.replace(p, 10, binary);
        if (l.find(" init ") != std::string::npos && l.find("--admin") != std::string::npos)
            l = "echo \"$TOUR_PASSWORD\" | " + l.substr(0, l.find('#')) + " --password-stdin";
        t.script += l + "\n";
        t.readme_line[++out_line] = static_cast<int>(i + 1);
    }
    return t;
}

TEST(ReadmeTourTest, EveryCommandOfTheTourWorksOnANewStore) {
    const std::string root = ISMS_SOURCE_DIR;
    Tour tour = ReadTour(root + "/README.md", IsmsBinary());
    ASSERT_GT(tour.readme_line.size(), 20u) << "the tour is unexpectedly short";
    ASSERT_FALSE(tour.expected_exit.empty()) << "the tour documents no failing command (soa check should)";

    auto dir = std::filesystem::temp_directory_path() / ("isms-readme-tour-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // Every command's exit code is checked where it ends: an ERR trap for the non-zero ones (against the
    // documented code of the line it started on) and a DEBUG trap that notes, before each command, whether the
    // previous line that documents a failure did fail.
    std::ostringstream prelude;
    prelude << "declare -A expect=(";
    for (const auto& [line, code] : tour.expected_exit) prelude << " [" << line << "]=" << code;
    prelude << " )\n"
            << "declare -A failed=()\n"
            << "check() { local rc=$1 line=$(($2 - TOUR_OFFSET)); local want=${expect[$line]:-0};\n"
            << "  if [ \"$rc\" != \"$want\" ]; then echo \"TOUR-FAILURE line $line: exit $rc, documented $want\" >&2;"
               " exit 99; fi; failed[$line]=1; }\n"
            << "trap 'check $? $LINENO' ERR\n";
    // The prelude's lines shift the tour's line numbers (bash's LINENO counts from the file's start).
    std::string head = prelude.str() + "#tour\n";
    const int offset = static_cast<int>(std::count(head.begin(), head.end(), '\n'));
    std::string script = "TOUR_OFFSET=" + std::to_string(offset + 1) + "\n" + head + tour.script;
    // At the end, every documented failure must have happened.
    script += "for l in \"${!expect[@]}\"; do [ -n \"${failed[$l]:-}\" ] || "
              "{ echo \"TOUR-FAILURE line $l: exit 0, documented ${expect[$l]}\" >&2; exit 99; }; done\n";
    std::ofstream(dir / "tour.sh") << script;

    RunOptions o;
    o.cwd = dir.string();
    o.timeout = std::chrono::minutes(5);
    o.env = {{"TOUR_PASSWORD", "correct horse battery staple 42"}, {"COLUMNS", "120"}};
    auto r = RunProgram("bash", {(dir / "tour.sh").string()}, o);
    std::smatch m;
    std::string where;
    if (std::regex_search(r.err, m, std::regex(R"(TOUR-FAILURE line (\d+))"))) {
        int line = std::stoi(m[1]);
        where = "README.md line " + std::to_string(tour.readme_line[line]);
    }
    EXPECT_EQ(r.exit_code, 0) << where << "\n" << r;
    EXPECT_NE(r.out.find("ssp.json: valid system-security-plan"), std::string::npos) << r;
    EXPECT_NE(r.out.find("created R-1 (4×5 critical)"), std::string::npos) << r;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace isms::integration
