const { src, dest } = require('gulp');

/** Icons are referenced as `file:` paths from the compiled node and credentials, so they ship in dist/. */
function copyIcons() {
	return src('icons/**/*.svg').pipe(dest('dist/icons'));
}

exports['build:icons'] = copyIcons;
exports.default = copyIcons;
