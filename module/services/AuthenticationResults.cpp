#include "services/AuthenticationResults.h"

namespace sac::services {
namespace {

constexpr int kMaxCommentDepth = 8;
constexpr std::size_t kMaxClauses = 64;
constexpr std::size_t kMaxProperties = 32;

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lowerAscii(c);
    return out;
}

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// The value with comments replaced by a blank and split at ";" outside
/// quoted strings; quoted strings are kept with their quotes. nullopt on
/// unbalanced or too deep comments, an open quote or too many clauses.
std::optional<std::vector<std::string>> clauses(std::string_view v) {
    std::vector<std::string> out(1);
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (depth > 0) {
            if (c == '\\') ++i;
            else if (c == '(') {
                if (++depth > kMaxCommentDepth) return std::nullopt;
            } else if (c == ')') {
                if (--depth == 0) out.back().push_back(' ');
            }
            continue;
        }
        if (quoted) {
            out.back().push_back(c);
            if (c == '\\' && i + 1 < v.size()) out.back().push_back(v[++i]);
            else if (c == '"') quoted = false;
            continue;
        }
        if (c == '(') depth = 1;
        else if (c == '"') {
            quoted = true;
            out.back().push_back(c);
        } else if (c == ';') {
            if (out.size() > kMaxClauses) return std::nullopt;
            out.emplace_back();
        } else {
            out.back().push_back(c);
        }
    }
    if (depth != 0 || quoted) return std::nullopt;
    return out;
}

/// Words of a clause: "=" alone, quoted strings (unquoted) and runs of
/// anything else but blanks, "=" and quotes.
struct Word {
    std::string text;
    bool equals = false;
};

std::vector<Word> words(const std::string& clause) {
    std::vector<Word> out;
    for (std::size_t i = 0; i < clause.size();) {
        const char c = clause[i];
        if (isBlank(c)) {
            ++i;
        } else if (c == '=') {
            out.push_back({"=", true});
            ++i;
        } else if (c == '"') {
            std::string text;
            for (++i; i < clause.size() && clause[i] != '"'; ++i) {
                if (clause[i] == '\\' && i + 1 < clause.size()) ++i;
                text.push_back(clause[i]);
            }
            ++i; // the closing quote
            out.push_back({std::move(text), false});
        } else {
            std::size_t j = i;
            while (j < clause.size() && !isBlank(clause[j]) && clause[j] != '=' && clause[j] != '"') ++j;
            out.push_back({clause.substr(i, j - i), false});
            i = j;
        }
    }
    return out;
}

std::string domainOf(std::string_view v) {
    const std::size_t at = v.rfind('@');
    if (at != std::string_view::npos) v = v.substr(at + 1);
    while (!v.empty() && (v.back() == '.' || v.back() == '>')) v.remove_suffix(1);
    return lowered(v);
}

} // namespace

std::optional<std::string> AuthResult::property(std::string_view name) const {
    for (const auto& [k, v] : properties)
        if (k == name) return v;
    return std::nullopt;
}

std::optional<AuthenticationResults> parseAuthenticationResults(std::string_view value) {
    if (value.size() > kMaxAuthResultsBytes) return std::nullopt;
    auto parts = clauses(value);
    if (!parts) return std::nullopt;
    AuthenticationResults out;
    {
        // authserv-id [version]
        const auto head = words(parts->front());
        if (head.empty() || head.front().equals || head.front().text.empty()) return std::nullopt;
        out.authservId = lowered(head.front().text);
    }
    for (std::size_t n = 1; n < parts->size(); ++n) {
        const auto w = words((*parts)[n]);
        // method[/version] = result, then name = value pairs.
        if (w.size() < 3 || w[0].equals || !w[1].equals || w[2].equals) continue;
        AuthResult r;
        r.method = lowered(w[0].text.substr(0, w[0].text.find('/')));
        r.result = lowered(w[2].text);
        bool tooMany = false;
        for (std::size_t i = 3; i + 2 < w.size();) {
            if (!w[i].equals && w[i + 1].equals && !w[i + 2].equals) {
                if (r.properties.size() >= kMaxProperties) {
                    tooMany = true;
                    break;
                }
                r.properties.emplace_back(lowered(w[i].text), w[i + 2].text);
                i += 3;
            } else {
                ++i;
            }
        }
        if (tooMany) return std::nullopt;
        if (r.method.empty() || r.result.empty()) continue;
        out.results.push_back(std::move(r));
    }
    return out;
}

bool passesFor(const AuthenticationResults& results, std::string_view domain) {
    const std::string want = domainOf(domain);
    if (want.empty()) return false;
    for (const auto& r : results.results) {
        if (r.result != "pass") continue;
        if (r.method == "spf") {
            if (auto from = r.property("smtp.mailfrom"); from && domainOf(*from) == want) return true;
        } else if (r.method == "dkim") {
            if (auto d = r.property("header.d"); d && domainOf(*d) == want) return true;
            if (auto i = r.property("header.i"); i && domainOf(*i) == want) return true;
        }
    }
    return false;
}

} // namespace sac::services
