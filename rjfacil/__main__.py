import sys

from rjfacil.cli import main

sys.exit(main())
