"""Flask extensions, bound to the app in the factory (the database handle lives in models/)."""

from flask_babel import Babel
from flask_migrate import Migrate

babel = Babel()
migrate = Migrate()
