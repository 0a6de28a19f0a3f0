// Replays fuzz inputs without libFuzzer: the same LLVMFuzzerTestOneInput, built with the normal compiler into
// the normal test build, run by ctest over each target's seed corpus (tests/fuzz/corpus/<target>) so that every
// seed, and every crash turned into a seed, is checked by `make test`. A property violation aborts (as under
// libFuzzer); the exit code is then non-zero and the file being run is printed first.
//
//   isms_fuzz_replay_<target> [--max-size=BYTES] FILE_OR_FOLDER…
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    uintmax_t max_size = UINTMAX_MAX;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--max-size=", 0) == 0) {
            max_size = std::stoull(a.substr(11));
            continue;
        }
        std::error_code ec;
        if (fs::is_directory(a, ec)) {
            for (const auto& e : fs::recursive_directory_iterator(a))
                if (e.is_regular_file()) files.push_back(e.path());
        } else if (fs::is_regular_file(a, ec)) {
            files.push_back(a);
        } else {
            std::fprintf(stderr, "replay: no file or folder '%s'\n", a.c_str());
            return 2;
        }
    }
    std::sort(files.begin(), files.end());
    int run = 0;
    for (const auto& f : files) {
        if (fs::file_size(f) > max_size) continue;
        std::ifstream in(f, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "replay: %s\n", f.c_str());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        ++run;
    }
    std::printf("replay: %d inputs passed\n", run);
    return run == 0 ? 1 : 0;
}
