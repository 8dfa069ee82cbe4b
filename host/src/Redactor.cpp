#include "sac/host/Redactor.h"

#include <Poco/Message.h>

#include <regex>

namespace sac::host {

namespace {

constexpr auto kFlags = std::regex::ECMAScript | std::regex::icase;
#define SAC_SECRET_KEY "[A-Za-z0-9_.-]*(?:password|passwd|secret|token|sign|signature|authorization|cookie)"

struct Rule {
    std::regex pattern;
    const char* replacement;
};

const std::vector<Rule>& rules() {
    static const std::vector<Rule> r = {
        // HTTP headers: everything after the colon up to the end of the line.
        {std::regex(R"(\b((?:proxy-)?authorization|set-cookie|cookie)(\s*:\s*)[^\r\n]*)", kFlags), "$1$2***"},
        // URL user info: scheme://user:password@host
        {std::regex(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@)", kFlags), "$1***@"},
        // JSON members with a string value.
        {std::regex(R"re(("[A-Za-z0-9_.-]*(?:password|passwd|secret|token|sign|signature|authorization|cookie)"\s*:\s*)"(?:[^"\\]|\\.)*")re",
                    kFlags),
         "$1\"***\""},
        // key=value (query strings, logfmt), value possibly quoted.
        {std::regex(R"((^|[^A-Za-z0-9_.-])()" SAC_SECRET_KEY R"()=("(?:[^"\\]|\\.)*"|[^&\s,;"']*))", kFlags),
         "$1$2=***"},
        // key: value (YAML-ish, free text).
        {std::regex(R"((^|[^A-Za-z0-9_."-])()" SAC_SECRET_KEY R"()(\s*:\s+)([^\s,;&"']+))", kFlags), "$1$2$3***"},
        // Bearer tokens anywhere.
        {std::regex(R"(\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+)", kFlags), "$1 ***"},
    };
    return r;
}

} // namespace

std::string redactSecrets(std::string_view text) {
    std::string out(text);
    for (const Rule& rule : rules()) out = std::regex_replace(out, rule.pattern, rule.replacement);
    return out;
}

RedactingFormatter::RedactingFormatter(Poco::AutoPtr<Poco::Formatter> inner) : _inner(std::move(inner)) {}

void RedactingFormatter::format(const Poco::Message& msg, std::string& text) {
    std::string raw;
    _inner->format(msg, raw);
    text += redactSecrets(raw);
}

} // namespace sac::host
