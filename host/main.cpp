#include "sac/host/HostApplication.h"

#include <iostream>

POCO_SERVER_MAIN(sac::host::HostApplication)
