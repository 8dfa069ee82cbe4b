// What in a text the module sends to a marketplace would take the
// conversation off the marketplace's channel: contact data (e-mail addresses,
// phone numbers, links and bare domains, messaging apps), payment outside the
// platform (PIX keys) and personal documents (CPF, CNPJ), also when written
// to slip past a filter ("joao arroba gmail ponto com", digits spelled out or
// spaced). Order numbers, amounts, dates and product codes are not findings.
// Pure; linear in the text; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sac::domain {

enum class OffPlatformKind { Email, Phone, Link, MessagingApp, Pix, Document };

/// "email", "phone", "link", "messaging_app", "pix", "document" (catalog keys).
std::string_view toCode(OffPlatformKind kind);

struct OffPlatformFinding {
    OffPlatformKind kind;
    std::string text; ///< what was found, as written (at most 80 bytes)
};

/// Texts longer than this are only read up to it (the refusal reason has
/// 1,000 characters at most).
constexpr std::size_t kOffPlatformLintMaxBytes = 16 * 1024;

/// Every finding in text, in the order found, at most one per kind and text,
/// at most 20.
std::vector<OffPlatformFinding> lintOffPlatform(std::string_view text);

} // namespace sac::domain
