// The pages' scripts print dates and numbers only as the server wrote them
// (in the user's language and the display zone): none formats one itself
// with the browser's locale or clock zone.
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The calls in a script that format a date or a number on the client, with their line numbers.
std::vector<std::string> clientFormatting(const std::string& script) {
    static const std::regex formatting(
        R"((\.toLocale(?:Date|Time)?String\s*\()|(\bIntl\s*\.)|(\bnew\s+Date\s*\()|(\.toFixed\s*\()|(\.toPrecision\s*\()|(\bDate\s*\.\s*(?:parse|UTC)\b))");
    std::vector<std::string> found;
    std::istringstream in(script);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        const auto comment = line.find("//");
        const std::string code = comment == std::string::npos ? line : line.substr(0, comment);
        std::smatch m;
        if (std::regex_search(code, m, formatting)) found.push_back("line " + std::to_string(n) + ": " + m.str());
    }
    return found;
}

} // namespace

TEST(ClientFormatting, TheScannerFindsTheBrowsersFormatting) {
    EXPECT_EQ(clientFormatting("el.textContent = new Date(r.last_success_at).toLocaleString();").size(), 1u);
    EXPECT_EQ(clientFormatting("x = d.toLocaleDateString('pt-BR')").size(), 1u);
    EXPECT_EQ(clientFormatting("x = new Intl.NumberFormat().format(n)").size(), 1u);
    EXPECT_EQ(clientFormatting("x = (n / 100).toFixed(2)").size(), 1u);
    EXPECT_EQ(clientFormatting("var t = new Date (ms);").size(), 1u);
    EXPECT_EQ(clientFormatting("// new Date() in a comment is fine\nx = r.when_text;").size(), 0u);
    EXPECT_EQ(clientFormatting("el.textContent = r.last_success_text;").size(), 0u);
}

TEST(ClientFormatting, NoScriptFormatsADateOrANumber) {
    std::vector<fs::path> scripts;
    for (const auto& e : fs::directory_iterator(sac::test::sourcePath("ui-templates/static")))
        if (e.path().extension() == ".js") scripts.push_back(e.path());
    ASSERT_FALSE(scripts.empty());
    for (const auto& s : scripts) {
        const auto found = clientFormatting(readAll(s));
        EXPECT_TRUE(found.empty()) << s.filename() << " formats on the client (" << found.front()
                                   << "): send the text formatted by the server (web/Format.h) instead";
    }
    // Inline scripts in templates too.
    for (const auto& e : fs::directory_iterator(sac::test::sourcePath("ui-templates")))
        if (e.path().extension() == ".mustache") {
            const auto found = clientFormatting(readAll(e.path()));
            EXPECT_TRUE(found.empty()) << e.path().filename() << ": " << (found.empty() ? "" : found.front());
        }
}
