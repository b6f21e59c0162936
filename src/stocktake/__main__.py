from stocktake.cli import main

main()
