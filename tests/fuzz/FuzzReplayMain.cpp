// Replays inputs through a fuzz target without libFuzzer: every regular file under each
// argument (a file or a folder, walked recursively in name order; names starting with '.'
// are skipped) is passed once to LLVMFuzzerTestOneInput. A crash, a sanitizer report or a
// broken contract fails the test; so does finding no input at all.
#include "FuzzSupport.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

bool hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name.front() == '.';
}

void collect(const fs::path& p, std::vector<fs::path>& out) {
    if (fs::is_regular_file(p)) {
        out.push_back(p);
        return;
    }
    if (!fs::is_directory(p)) return;
    std::vector<fs::path> here;
    for (const auto& e : fs::recursive_directory_iterator(p)) {
        bool skip = false;
        for (const auto& part : fs::relative(e.path(), p))
            if (hidden(part)) skip = true;
        if (!skip && e.is_regular_file()) here.push_back(e.path());
    }
    std::sort(here.begin(), here.end());
    out.insert(out.end(), here.begin(), here.end());
}

} // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) collect(argv[i], inputs);
    if (inputs.empty()) {
        std::cerr << "no input found under the given paths\n";
        return 1;
    }
    for (const auto& path : inputs) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "cannot read " << path << "\n";
            return 1;
        }
        const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        std::cerr << "replaying " << path.string() << " (" << data.size() << " bytes)\n";
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    }
    std::cout << "replayed " << inputs.size() << " inputs\n";
    return 0;
}
