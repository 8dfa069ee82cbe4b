#include "sac/sim/TokenRegistry.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace sac::sim {

TokenRegistry::TokenRegistry(const SimConfig& config, std::int64_t now_ms)
    : config_(config),
      entropy_(std::random_device{}() ^
               static_cast<std::uint64_t>(
                   std::chrono::steady_clock::now().time_since_epoch().count())) {
  seedConfigured(now_ms);
}

void TokenRegistry::seedConfigured(std::int64_t now_ms) {
  constexpr std::int64_t kTenYearsMs = 10LL * 365 * 24 * 3600 * 1000;
  for (std::size_t i = 0; i < config_.stores.size(); ++i) {
    const auto& s = config_.stores[i];
    TokenGrant g{s.app_key, i, s.access_token, s.refresh_token, now_ms + kTenYearsMs,
                 now_ms + kTenYearsMs};
    if (!s.access_token.empty()) by_access_[s.access_token] = g;
    if (!s.refresh_token.empty()) by_refresh_[s.refresh_token] = g;
  }
}

void TokenRegistry::reset(std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  by_access_.clear();
  by_refresh_.clear();
  codes_.clear();
  seedConfigured(now_ms);
}

std::optional<std::string> TokenRegistry::secretFor(const std::string& app_key) const {
  for (const auto& s : config_.stores)
    if (s.app_key == app_key) return s.app_secret;
  return std::nullopt;
}

std::optional<std::size_t> TokenRegistry::storeFor(const std::string& app_key) const {
  for (std::size_t i = 0; i < config_.stores.size(); ++i)
    if (config_.stores[i].app_key == app_key) return i;
  return std::nullopt;
}

TokenRegistry::TokenState TokenRegistry::checkAccess(const std::string& app_key,
                                                     const std::string& token,
                                                     std::int64_t now_ms,
                                                     std::size_t* store_index) const {
  std::lock_guard lock(mu_);
  const auto it = by_access_.find(token);
  if (it == by_access_.end()) return TokenState::Unknown;
  if (it->second.app_key != app_key) return TokenState::WrongApp;
  if (it->second.access_expires_ms <= now_ms) return TokenState::Expired;
  if (store_index) *store_index = it->second.store_index;
  return TokenState::Valid;
}

std::string TokenRegistry::randomToken(const char* prefix) {
  // splitmix64 over a per-process entropy value and a counter: unique and unguessable
  // enough for a test double.
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const std::uint64_t a = mix(entropy_ + (++counter_));
  const std::uint64_t b = mix(a ^ entropy_);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%016llx%016llx", prefix,
                static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
  return buf;
}

std::string TokenRegistry::issueCode(const std::string& app_key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  std::string code = randomToken("3_");
  codes_[code] = Code{app_key, now_ms + 10LL * 60 * 1000, false};
  return code;
}

std::optional<TokenGrant> TokenRegistry::exchangeCode(const std::string& app_key,
                                                      const std::string& code,
                                                      std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  const auto it = codes_.find(code);
  if (it == codes_.end() || it->second.used || it->second.expires_ms <= now_ms ||
      it->second.app_key != app_key)
    return std::nullopt;
  it->second.used = true;
  std::size_t store = 0;
  for (std::size_t i = 0; i < config_.stores.size(); ++i)
    if (config_.stores[i].app_key == app_key) store = i;
  TokenGrant g{app_key, store, randomToken("50000"), randomToken("50001"),
               now_ms + config_.access_token_ttl_s * 1000,
               now_ms + config_.refresh_token_ttl_s * 1000};
  by_access_[g.access_token] = g;
  by_refresh_[g.refresh_token] = g;
  return g;
}

std::optional<TokenGrant> TokenRegistry::refresh(const std::string& app_key,
                                                 const std::string& refresh_token,
                                                 std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  const auto it = by_refresh_.find(refresh_token);
  if (it == by_refresh_.end() || it->second.app_key != app_key ||
      it->second.refresh_expires_ms <= now_ms)
    return std::nullopt;
  TokenGrant& g = it->second;
  by_access_.erase(g.access_token);
  g.access_token = randomToken("50000");
  g.access_expires_ms = now_ms + config_.access_token_ttl_s * 1000;
  by_access_[g.access_token] = g;
  return g;
}

void TokenRegistry::expireAllAccessTokens() {
  std::lock_guard lock(mu_);
  by_access_.clear();
}

}  // namespace sac::sim
