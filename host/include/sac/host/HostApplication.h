// The sac-host executable: options, configuration, admin commands, server.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace sac::host {

/// Options (every host.* key may also come from --config=FILE):
///   --config=FILE        .properties or .ini
///   --listen=ADDR:PORT   host.listen (default 127.0.0.1:8080)
///   --modules=DIR        host.modules
///   --database=URL       host.database (default sqlite:<data-dir>/sac.db)
///   --data-dir=DIR       host.data_dir (default ./data)
///   --log-level=LEVEL    host.log_level (trace..fatal, default information)
/// Commands (run and exit): --create-account=NAME, --create-user=LOGIN
/// (--account --role --email --name, password from SAC_PASSWORD or
/// --password-file), --list-users, --migrate-only.
class HostApplication : public Poco::Util::ServerApplication {
public:
    HostApplication();

protected:
    void initialize(Poco::Util::Application& self) override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handleHelp(const std::string& name, const std::string& value);
    void handleConfig(const std::string& name, const std::string& value);
    void handleSetting(const std::string& name, const std::string& value);
    void handleCommand(const std::string& name, const std::string& value);
    void handleValue(const std::string& name, const std::string& value);
    int runCommand();
    void setupLogging();

    bool _help = false;
    std::string _command;
    std::string _commandArg;
    std::string _account, _role, _email, _displayName, _passwordFile;
};

} // namespace sac::host
