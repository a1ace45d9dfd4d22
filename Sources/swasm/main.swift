import SwasmCLI
SwasmCommand.main()
