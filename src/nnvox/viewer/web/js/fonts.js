// A text size in CSS pixels from the theme's (Python's payload.page_fonts: [fraction of the page's
// height, least pixels], as viewer/theme.py's Fonts size the desktop's texts).
export function fontPx([fraction, minimum], height) {
  return Math.max(minimum, Math.round(height * fraction));
}
