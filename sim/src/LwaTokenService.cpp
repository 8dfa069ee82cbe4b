#include "sac/sim/LwaTokenService.h"

#include <algorithm>

#include "sac/sim/IopSignature.h"
#include "sac/sim/JsonWriter.h"

namespace sac::sim {
namespace {

LwaTokenService::Answer error(int status, const char* code, const std::string& description) {
  JsonWriter w;
  w.beginObject().field("error_description", description).field("error", code).endObject();
  return {status, w.str(), code};
}

std::string param(const std::map<std::string, std::string>& form, const char* name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

}  // namespace

LwaTokenService::LwaTokenService(std::vector<LwaClientConfig> clients, std::int64_t access_ttl_s,
                                 std::uint64_t seed, SimClock& clock, std::int64_t code_ttl_s)
    : clients_(std::move(clients)),
      ttl_ms_(access_ttl_s * 1000),
      code_ttl_ms_(code_ttl_s * 1000),
      seed_(seed),
      clock_(clock) {}

std::string LwaTokenService::newToken(const char* prefix, const std::string& client_id,
                                      std::size_t length) {
  const std::uint64_t n = ++counter_;
  std::string token = prefix;
  // Long, opaque, URL-safe-ish like the real ones (which exceed 350 characters).
  while (token.size() < length) {
    token += IopSignature::sign(std::to_string(seed_), client_id,
                                {{"n", std::to_string(n)}, {"part", std::to_string(token.size())}});
  }
  token.resize(length);
  return token;
}

std::string LwaTokenService::issueCode(const std::string& client_id, const std::string& redirect_uri) {
  std::lock_guard lock(mu_);
  // Amazon's codes are short letters; the prefix keeps them apart from tokens.
  std::string code = "AN" + newToken("", client_id, 18);
  codes_[code] = Code{client_id, redirect_uri, clock_.nowMs() + code_ttl_ms_, false};
  return code;
}

const LwaClientConfig* LwaTokenService::clientForApplication(const std::string& application_id) const {
  for (const auto& c : clients_)
    if (!application_id.empty() && c.application_id == application_id) return &c;
  return nullptr;
}

std::size_t LwaTokenService::codesPresented() const {
  std::lock_guard lock(mu_);
  return codes_presented_;
}

LwaTokenService::Answer LwaTokenService::exchange(const std::map<std::string, std::string>& form) {
  const std::string grant = param(form, "grant_type");
  if (grant.empty())
    return error(400, "invalid_request",
                 "The request is missing a required parameter : grant_type");
  if (grant != "refresh_token" && grant != "authorization_code")
    return error(400, "unsupported_grant_type",
                 "The authorization grant type is not supported by the authorization server");
  const std::string client_id = param(form, "client_id");
  const std::string secret = param(form, "client_secret");
  const LwaClientConfig* client = nullptr;
  for (const auto& c : clients_)
    if (c.client_id == client_id) client = &c;
  if (client == nullptr || !IopSignature::matches(client->client_secret, secret) ||
      secret.empty())
    return error(401, "invalid_client", "Client authentication failed");

  std::string refresh;
  if (grant == "authorization_code") {
    const std::string code = param(form, "code");
    if (code.empty())
      return error(400, "invalid_request", "The request is missing a required parameter : code");
    const std::string redirect = param(form, "redirect_uri");
    if (redirect.empty())
      return error(400, "invalid_request",
                   "The request is missing a required parameter : redirect_uri");
    std::lock_guard lock(mu_);
    ++codes_presented_;
    const auto it = codes_.find(code);
    if (it == codes_.end() || it->second.client_id != client_id)
      return error(400, "invalid_grant", "The request has an invalid grant parameter : code");
    // Presented by its client: spent, whether or not the rest matches.
    const bool used = it->second.used;
    it->second.used = true;
    if (used) return error(400, "invalid_grant", "The authorization code has already been used");
    if (it->second.expires_ms <= clock_.nowMs())
      return error(400, "invalid_grant", "The authorization code has expired");
    if (it->second.redirect_uri != redirect)
      return error(400, "invalid_grant",
                   "The redirect_uri does not match the one the authorization code was issued for");
    refresh = newToken("Atzr|", client_id, 380);
    granted_[refresh] = client_id;
  } else {
    refresh = param(form, "refresh_token");
    if (refresh.empty())
      return error(400, "invalid_request",
                   "The request is missing a required parameter : refresh_token");
    bool known = refresh == client->refresh_token;
    if (!known) {
      std::lock_guard lock(mu_);
      const auto it = granted_.find(refresh);
      known = it != granted_.end() && it->second == client_id;
    }
    if (!known)
      return error(400, "invalid_grant",
                   "The request has an invalid grant parameter : refresh_token");
  }

  std::string token;
  {
    std::lock_guard lock(mu_);
    token = newToken("Atza|", client_id, 420);
    expiry_[token] = clock_.nowMs() + ttl_ms_;
    owners_[token] = client_id + '\n' + refresh;
  }
  JsonWriter w;
  w.beginObject()
      .field("access_token", token)
      .field("refresh_token", refresh)
      .field("token_type", "bearer")
      .field("expires_in", ttl_ms_ / 1000)
      .endObject();
  return {200, w.str(), ""};
}

std::string LwaTokenService::ownerOf(const std::string& access_token) const {
  std::lock_guard lock(mu_);
  const auto it = owners_.find(access_token);
  return it == owners_.end() ? std::string() : it->second;
}

LwaTokenService::TokenState LwaTokenService::check(const std::string& access_token) const {
  if (access_token.empty()) return TokenState::Missing;
  std::lock_guard lock(mu_);
  const auto it = expiry_.find(access_token);
  if (it == expiry_.end()) return TokenState::Unknown;
  return clock_.nowMs() < it->second ? TokenState::Valid : TokenState::Expired;
}

void LwaTokenService::expireAll() {
  std::lock_guard lock(mu_);
  const std::int64_t now = clock_.nowMs();
  for (auto& [token, expiry] : expiry_) expiry = std::min(expiry, now);
}

void LwaTokenService::reset() {
  std::lock_guard lock(mu_);
  expiry_.clear();
  owners_.clear();
  codes_.clear();
  codes_presented_ = 0;
}

std::size_t LwaTokenService::issuedCount() const {
  std::lock_guard lock(mu_);
  return expiry_.size();
}

}  // namespace sac::sim
