#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "sac/sim/AliExpressGateway.h"
#include "sac/sim/AmazonGateway.h"
#include "sac/sim/SimClock.h"
#include "sac/sim/SimConfig.h"
#include "sac/sim/SimHttp.h"

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class HTTPServer;
}

namespace sac::sim {

/// The marketplace simulator as an in-process HTTP server (Poco::Net::HTTPServer).
/// Routes: the AliExpress gateway (/sync, /rest/auth/..., /oauth/authorize), the Amazon
/// side (/auth/o2/token, /reports/2021-06-30/..., /_sim/amazon/...) and the control
/// endpoints under /_sim/ (faults, stats, reset, advance, touch, images).
///
/// Usage: `SimServer s(cfg); s.start(); ... s.port() ...; s.stop();`
/// start() throws Poco::Exception when the address cannot be bound; nothing else throws.
/// The object must outlive in-flight requests; stop() cuts added delays short and waits
/// for them. Connections are HTTP/1.1 persistent (keep-alive, Content-Length); each one
/// holds a worker thread (SimConfig::http_threads) while it is open. Not copyable.
class SimServer {
public:
  explicit SimServer(SimConfig config);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  void start();
  void stop();
  bool running() const;
  /// The bound port (the real one when the configuration asked for port 0).
  std::uint16_t port() const;
  /// "http://127.0.0.1:<port>"
  std::string baseUrl() const;

  /// Routes a decoded request exactly as the HTTP server does (thread-safe, never throws).
  /// The answer's delay_ms is not waited for here, and no call is counted in flight.
  SimResponse dispatch(const SimRequest& request);
  /// Waits `ms` milliseconds, or less when stop() is called meanwhile.
  void pause(int ms);

  AliExpressGateway& aliexpress() { return *gateway_; }
  AmazonGateway& amazon() { return *amazon_; }
  SimClock& clock() { return clock_; }
  const SimConfig& config() const { return config_; }

private:
  SimResponse handleControl(const SimRequest& request);
  SimResponse groundTruth(const SimRequest& request);  ///< GET /_sim/disputes

  SimConfig config_;
  SimClock clock_;
  std::unique_ptr<AliExpressGateway> gateway_;
  std::unique_ptr<AmazonGateway> amazon_;
  std::unique_ptr<Poco::ThreadPool> pool_;  ///< outlives server_ (declared before it)
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace sac::sim
