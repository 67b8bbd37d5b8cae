// What a viewer gives back when it is closed (a mode or sample switched, a widget's cell cleared):
// every geometry, material and texture it put on the GPU, then its WebGL context itself. A browser
// keeps about 16 contexts alive per page and warns ("Too many active WebGL contexts") past that, so
// one left to the garbage collector on each switch soon costs the page its oldest picture.

function releaseMaterial(material) {
  for (const uniform of Object.values(material.uniforms || {})) {
    if (uniform.value && uniform.value.isTexture) uniform.value.dispose();
  }
  if (material.map) material.map.dispose();
  material.dispose();
}

export function releaseStage(stage) {
  stage.world.traverse((object) => {
    if (object.geometry) object.geometry.dispose();
    const materials = Array.isArray(object.material) ? object.material : object.material ? [object.material] : [];
    materials.forEach(releaseMaterial);
  });
  stage.renderer.forceContextLoss(); // now, not when the canvas is collected
}
