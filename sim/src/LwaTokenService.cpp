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
                                 std::uint64_t seed, SimClock& clock)
    : clients_(std::move(clients)), ttl_ms_(access_ttl_s * 1000), seed_(seed), clock_(clock) {}

LwaTokenService::Answer LwaTokenService::exchange(const std::map<std::string, std::string>& form) {
  const std::string grant = param(form, "grant_type");
  if (grant.empty())
    return error(400, "invalid_request",
                 "The request is missing a required parameter : grant_type");
  if (grant != "refresh_token")
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
  const std::string refresh = param(form, "refresh_token");
  if (refresh.empty())
    return error(400, "invalid_request",
                 "The request is missing a required parameter : refresh_token");
  if (refresh != client->refresh_token)
    return error(400, "invalid_grant",
                 "The request has an invalid grant parameter : refresh_token");

  std::string token = "Atza|";
  {
    std::lock_guard lock(mu_);
    const std::uint64_t n = ++counter_;
    // Long, opaque, URL-safe-ish like the real ones (which exceed 350 characters).
    while (token.size() < 420) {
      token += IopSignature::sign(std::to_string(seed_), client_id,
                                  {{"n", std::to_string(n)}, {"part", std::to_string(token.size())}});
    }
    token.resize(420);
    expiry_[token] = clock_.nowMs() + ttl_ms_;
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
}

std::size_t LwaTokenService::issuedCount() const {
  std::lock_guard lock(mu_);
  return expiry_.size();
}

}  // namespace sac::sim
