#include "sac/sql/SqlScript.h"

#include <stdexcept>

namespace sac::sql {

namespace {

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n\f\v";
    std::size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos)
        return {};
    std::size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

} // namespace

std::vector<std::string> splitStatements(std::string_view script) {
    std::vector<std::string> out;
    std::string current;
    std::size_t line = 1;
    auto flush = [&] {
        std::string t = trim(current);
        if (!t.empty())
            out.push_back(std::move(t));
        current.clear();
    };
    std::size_t i = 0;
    const std::size_t n = script.size();
    while (i < n) {
        char c = script[i];
        if (c == '\n')
            ++line;
        if (c == '\'' || c == '"' || c == '`') {
            std::size_t startLine = line;
            current += c;
            ++i;
            bool closed = false;
            while (i < n) {
                char d = script[i];
                if (d == '\n')
                    ++line;
                if (d == '\\' && c != '`' && i + 1 < n) {
                    current += d;
                    current += script[i + 1];
                    if (script[i + 1] == '\n')
                        ++line;
                    i += 2;
                    continue;
                }
                current += d;
                ++i;
                if (d == c) {
                    if (i < n && script[i] == c) { // doubled quote
                        current += c;
                        ++i;
                        continue;
                    }
                    closed = true;
                    break;
                }
            }
            if (!closed)
                throw std::invalid_argument("unterminated " + std::string(1, c) + " quote starting on line " +
                                            std::to_string(startLine));
            continue;
        }
        if ((c == '-' && i + 1 < n && script[i + 1] == '-') || c == '#') {
            while (i < n && script[i] != '\n')
                ++i;
            current += ' ';
            continue;
        }
        if (c == '/' && i + 1 < n && script[i + 1] == '*') {
            std::size_t startLine = line;
            i += 2;
            bool closed = false;
            while (i < n) {
                if (script[i] == '\n')
                    ++line;
                if (script[i] == '*' && i + 1 < n && script[i + 1] == '/') {
                    i += 2;
                    closed = true;
                    break;
                }
                ++i;
            }
            if (!closed)
                throw std::invalid_argument("unterminated /* comment starting on line " + std::to_string(startLine));
            current += ' ';
            continue;
        }
        if (c == ';') {
            flush();
            ++i;
            continue;
        }
        current += c;
        ++i;
    }
    flush();
    return out;
}

} // namespace sac::sql
