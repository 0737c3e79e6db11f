from infra.local.stack import main

main()
