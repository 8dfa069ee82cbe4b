#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace sac::sim::test {

/// A raw HTTP reply from the simulator.
struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string location;
  /// The parsed body when it is a JSON object, else null.
  Poco::JSON::Object::Ptr json() const;
};

/// A deliberately separate client for the simulated IOP gateway: its own request builder
/// and its own signature code (Poco's HMAC/SHA-256, not the simulator's), so the tests
/// check the simulator against the written rules rather than against itself.
class IopTestClient {
public:
  using Params = std::map<std::string, std::string>;

  IopTestClient(std::uint16_t port, std::string app_key, std::string secret,
                std::function<std::int64_t()> now_ms);

  /// HMAC-SHA256 over prefix + sorted key/value pairs (excluding "sign"), uppercase hex.
  static std::string sign(const std::string& secret, const std::string& prefix,
                          const Params& params);

  /// System parameters (app_key, timestamp, sign_method, access_token when not empty,
  /// method) merged with `business`, signed.
  Params signedSync(const std::string& method, const Params& business,
                    const std::string& access_token) const;

  /// POST /sync form-encoded.
  Reply sync(const std::string& method, const Params& business, const std::string& access_token,
             bool simplify = false) const;
  /// POST /rest<api_path>, signed with the api path in front.
  Reply rest(const std::string& api_path, const Params& business) const;

  Reply postForm(const std::string& path_and_query, const Params& form) const;
  Reply postMultipart(const std::string& path, const Params& fields,
                      const std::string& file_field, const std::string& filename,
                      const std::string& bytes) const;
  Reply get(const std::string& path_and_query) const;
  Reply postJson(const std::string& path, const std::string& json) const;

  static std::string urlEncode(const std::string& s);
  static std::string formEncode(const Params& p);

  std::string app_key;
  std::string secret;
  std::function<std::int64_t()> now;

private:
  Reply send(const std::string& verb, const std::string& path, const std::string& content_type,
             const std::string& body) const;
  std::uint16_t port_;
};

}  // namespace sac::sim::test
