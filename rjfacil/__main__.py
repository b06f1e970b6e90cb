from rjfacil.cli import main
import sys

sys.exit(main())
